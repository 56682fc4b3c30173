import "server-only";
import { AppError, badRequest } from "../errors";

const BODY_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/**
 * Reads a request body within `maxBytes` (checked on Content-Length and again while
 * streaming, for chunked uploads) and parses JSON or form-encoded content into a plain
 * object. Anything else with content is refused with 415.
 */
export async function readBody(request: Request, maxBytes: number): Promise<unknown> {
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

async function readCapped(stream: ReadableStream<Uint8Array>, maxBytes: number): Promise<string> {
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

function tooLarge(maxBytes: number): AppError {
  return new AppError("PAYLOAD_TOO_LARGE", `The request body exceeds the ${maxBytes}-byte limit`);
}
