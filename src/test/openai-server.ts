import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A local OpenAI-compatible chat-completions server for provider tests: real HTTP on
 * loopback, answers scripted per request, every request body recorded.
 */
export interface ScriptedReply {
  content?: string;
  usage?: { prompt_tokens: number; completion_tokens: number } | null;
  status?: number;
  delayMs?: number;
  raw?: string;
}

export interface OpenAiTestServer {
  baseUrl: string;
  requests: { path: string; authorization: string | undefined; body: any }[];
  script(...replies: ScriptedReply[]): void;
  /** Drops replies a previous test left unused. */
  reset(): void;
  close(): Promise<void>;
}

const read = (req: IncomingMessage) =>
  new Promise<string>((resolve) => {
    let data = "";
    req.on("data", (c) => (data += c));
    req.on("end", () => resolve(data));
  });

/** A streamed reply (`stream: true`): the content in a few server-sent chunks, the usage in the last one, then [DONE]. */
function streamReply(res: ServerResponse, reply: ScriptedReply, model: string, n: number) {
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  const content = reply.content ?? "";
  const size = Math.max(1, Math.ceil(content.length / 4));
  const chunk = (delta: object, extra: object = {}) =>
    res.write(`data: ${JSON.stringify({ id: `chatcmpl-${n}`, object: "chat.completion.chunk", created: Math.floor(Date.now() / 1000), model, choices: [{ index: 0, delta, finish_reason: null }], ...extra })}\n\n`);
  chunk({ role: "assistant", content: "" });
  for (let i = 0; i < content.length; i += size) chunk({ content: content.slice(i, i + size) });
  const usage = reply.usage === null ? {} : { usage: { ...(reply.usage ?? { prompt_tokens: 100, completion_tokens: 10 }), total_tokens: (reply.usage?.prompt_tokens ?? 100) + (reply.usage?.completion_tokens ?? 10) } };
  res.write(`data: ${JSON.stringify({ id: `chatcmpl-${n}`, object: "chat.completion.chunk", created: Math.floor(Date.now() / 1000), model, choices: [{ index: 0, delta: {}, finish_reason: "stop" }], ...usage })}\n\n`);
  res.end("data: [DONE]\n\n");
}

export async function startOpenAiServer(): Promise<OpenAiTestServer> {
  const queue: ScriptedReply[] = [];
  const requests: OpenAiTestServer["requests"] = [];
  const server: Server = createServer(async (req, res) => {
    const text = await read(req);
    let body: unknown = null;
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
    requests.push({ path: req.url ?? "", authorization: req.headers.authorization, body });
    const reply = queue.shift() ?? { content: "CANNOT_ANSWER" };
    if (reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs));
    if (res.destroyed) return;
    if (reply.status && reply.status !== 200) {
      res.writeHead(reply.status, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { message: "Incorrect API key provided", type: "invalid_request_error", code: "invalid_api_key" } }));
      return;
    }
    if ((body as { stream?: boolean })?.stream) return streamReply(res, reply, (body as { model?: string }).model ?? "test-model", requests.length);
    res.writeHead(200, { "content-type": "application/json" });
    if (reply.raw !== undefined) return void res.end(reply.raw);
    res.end(
      JSON.stringify({
        id: `chatcmpl-${requests.length}`,
        object: "chat.completion",
        created: Math.floor(Date.now() / 1000),
        model: (body as { model?: string })?.model ?? "test-model",
        choices: [{ index: 0, message: { role: "assistant", content: reply.content ?? "" }, finish_reason: "stop" }],
        ...(reply.usage === null ? {} : { usage: { ...(reply.usage ?? { prompt_tokens: 100, completion_tokens: 10 }), total_tokens: (reply.usage?.prompt_tokens ?? 100) + (reply.usage?.completion_tokens ?? 10) } }),
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    script: (...replies) => void queue.push(...replies),
    reset: () => void queue.splice(0),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
