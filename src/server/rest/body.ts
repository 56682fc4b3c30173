import "server-only";
import { AppError, badRequest } from "../errors";

const BODY_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** A Web `Request`, or node's req (an async iterable of chunks) with its headers as `Headers`. */
export interface BodySource {
  method: string;
  headers: Headers;
  body: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array> | null;
}

/**
 * Reads a request body within `maxBytes` (checked on Content-Length and again while
 * streaming, for chunked uploads) and parses JSON or form-encoded content into a plain
 * object. Anything else with content is refused with 415.
 */
export async function readBody(request: BodySource, maxBytes: number): Promise<unknown> {
  if (!BODY_METHODS.has(request.method) || !request.body) return undefined;
  const declared = Number(request.headers.get("content-length") ?? "NaN");
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(maxBytes);

  const text = await readCapped(request.body, maxBytes);
  if (text.trim() === "") return undefined;

  const contentType = (request.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (contentType === "application/x-www-form-urlencoded") {
    return Object.fromEntries(new URLSearchParams(text));
  }
  if (contentType === "" || contentType === "application/json" || contentType.endsWith("+json")) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw badRequest("The request body is not valid JSON");
    }
  }
  throw new AppError(
    "UNSUPPORTED_MEDIA_TYPE",
    `Content-Type ${contentType} is not accepted; send application/json`,
  );
}

async function readCapped(stream: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>, maxBytes: number): Promise<string> {
  if (!("getReader" in stream)) return readIterable(stream, maxBytes);
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * node's req, read by events (cheaper than an async iterator). Over the cap it stops
 * listening without destroying the request, so the 413 still reaches the client; node
 * discards the rest of the body once the response ends.
 */
function readIterable(chunks: AsyncIterable<Uint8Array>, maxBytes: number): Promise<string> {
  const req = chunks as unknown as NodeJS.ReadableStream;
  if (typeof req.on !== "function") return readAsyncIterable(chunks, maxBytes);
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    const done = () => {
      req.removeListener("data", onData);
      req.removeListener("end", onEnd);
      req.removeListener("error", onError);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > maxBytes) {
        done();
        req.resume();
        reject(tooLarge(maxBytes));
        return;
      }
      parts.push(chunk);
    };
    const onEnd = () => {
      done();
      resolve(parts.length === 1 ? parts[0]!.toString("utf8") : Buffer.concat(parts).toString("utf8"));
    };
    // The client went away mid-body.
    const onError = () => {
      done();
      reject(badRequest("The request body was not received completely"));
    };
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
  });
}

async function readAsyncIterable(chunks: AsyncIterable<Uint8Array>, maxBytes: number): Promise<string> {
  const parts: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of chunks) {
    size += chunk.byteLength;
    if (size > maxBytes) throw tooLarge(maxBytes);
    parts.push(chunk);
  }
  return Buffer.concat(parts).toString("utf8");
}

function tooLarge(maxBytes: number): AppError {
  return new AppError("PAYLOAD_TOO_LARGE", `The request body exceeds the ${maxBytes}-byte limit`);
}
