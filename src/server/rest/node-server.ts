import "server-only";
import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";
import { API_PREFIX, handleRest } from "./handler";

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

/** `/health` is `/api/v1/health`: the adapter routes a path with or without the prefix alike. */
const HEALTH_PATH = "/health";

export function servesFromNode(url: string | undefined): boolean {
  if (!url) return false;
  const queryAt = url.indexOf("?");
  const pathname = queryAt === -1 ? url : url.slice(0, queryAt);
  if (pathname === HEALTH_PATH) return true;
  if (!pathname.startsWith(API_PREFIX)) return false;
  if (!PLAIN_API_PATH.test(pathname)) return false;
  // `.` and `..` segments are normalised by URL parsing; leave them to Next.
  return !/\/\.\.?(?:\/|$)/.test(pathname);
}

/**
 * Runs the adapter on node's own req/res: the headers become a `Headers` (services read
 * them), but no Web `Request`/`Response` or body streams are built; under load those
 * (undici) cost about a fifth of a query's CPU.
 */
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
  const reply = await handleRest({
    url: `http://${req.headers.host ?? "localhost"}${req.url ?? "/"}`,
    method,
    headers,
    body: hasBody ? req : null,
  });
  const outHeaders = nodeHeaders(reply.headers);

  if (method === "HEAD" || reply.body === null) {
    res.writeHead(reply.status, outHeaders);
    res.end();
    if (reply.body instanceof ReadableStream) await reply.body.cancel().catch(() => undefined);
    return;
  }
  if (typeof reply.body === "string") {
    // JSON documents are built in memory anyway; send them in one write with a length.
    outHeaders["content-length"] = String(Buffer.byteLength(reply.body));
    res.writeHead(reply.status, outHeaders);
    res.end(reply.body);
    return;
  }
  res.writeHead(reply.status, outHeaders);
  const stream = Readable.fromWeb(reply.body as import("node:stream/web").ReadableStream);
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

/** Names folded to lower case and repeats joined, as a Web `Headers` built from the same record would. */
function nodeHeaders(record: Record<string, string>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const name of Object.keys(record)) {
    const key = name.toLowerCase();
    const value = record[name]!;
    const current = out[key];
    if (current === undefined) out[key] = key === "set-cookie" ? [value] : value;
    else if (Array.isArray(current)) current.push(value);
    else out[key] = `${current}, ${value}`;
  }
  return out;
}
