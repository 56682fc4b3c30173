import "server-only";
import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";
import { API_PREFIX, handleRestRequest } from "./handler";

/**
 * Serves /api/v1 straight from server.mjs's `node:http` server, without Next's router:
 * under load Next's request pipeline cost more than the REST work itself. The adapter
 * (handler.ts) is the same one the Next route runs, so shapes, errors, rate-limit and
 * security headers do not change.
 *
 * Only plain paths take this way. Anything Next would normalise first (a trailing
 * slash it redirects, `//`, dot segments, a query-less `?`) keeps going through Next,
 * so such requests answer exactly as before.
 */
const PLAIN_API_PATH = /^\/api\/v1(?:\/[A-Za-z0-9\-._~%:@!$&'()*+,;=]+)*$/;

export function servesFromNode(url: string | undefined): boolean {
  if (!url) return false;
  const queryAt = url.indexOf("?");
  const pathname = queryAt === -1 ? url : url.slice(0, queryAt);
  if (!pathname.startsWith(API_PREFIX)) return false;
  if (!PLAIN_API_PATH.test(pathname)) return false;
  // `.` and `..` segments are normalised by URL parsing; leave them to Next.
  return !/\/\.\.?(?:\/|$)/.test(pathname);
}

export async function serveRestFromNode(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const headers = new Headers();
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) headers.append(raw[i]!, raw[i + 1]!);
  // server.mjs stamped the socket's address on req.headers; the raw list may hold a forged one.
  headers.delete("x-quarry-client-ip");
  const clientIp = req.headers["x-quarry-client-ip"];
  if (typeof clientIp === "string") headers.set("x-quarry-client-ip", clientIp);

  const method = req.method ?? "GET";
  const hasBody = method !== "GET" && method !== "HEAD";
  const request = new Request(`http://${req.headers.host ?? "localhost"}${req.url ?? "/"}`, {
    method,
    headers,
    body: hasBody ? (Readable.toWeb(req) as ReadableStream<Uint8Array>) : undefined,
    duplex: hasBody ? "half" : undefined,
  } as RequestInit);
  const response = await handleRestRequest(request);

  const outHeaders: Record<string, string | string[]> = {};
  response.headers.forEach((value, name) => {
    if (name !== "set-cookie") outHeaders[name] = value;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) outHeaders["set-cookie"] = cookies;

  if (method === "HEAD" || !response.body) {
    res.writeHead(response.status, outHeaders);
    res.end();
    await response.body?.cancel().catch(() => undefined);
    return;
  }
  const declared = response.headers.get("content-type") ?? "";
  if (declared.startsWith("application/json")) {
    // JSON documents are built in memory anyway; send them in one write with a length.
    const bytes = Buffer.from(await response.arrayBuffer());
    outHeaders["content-length"] = String(bytes.byteLength);
    res.writeHead(response.status, outHeaders);
    res.end(bytes);
    return;
  }
  res.writeHead(response.status, outHeaders);
  const stream = Readable.fromWeb(response.body as import("node:stream/web").ReadableStream);
  await new Promise<void>((resolve) => {
    stream.on("error", () => {
      res.destroy();
      resolve();
    });
    res.on("close", () => {
      stream.destroy();
      resolve();
    });
    stream.pipe(res);
  });
}
