import "server-only";
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer, type WebSocket } from "ws";
import { sessionFromCookie } from "../auth/next-auth-session";
import { CLIENT_IP_HEADER } from "../context";
import { mfaEnrollmentPending, mfaEnrollmentRequired } from "../services/settings/mfa-gate";
import { AppError } from "../errors";
import { sessionFromBearer, type Session } from "../services/auth/session";

/**
 * WebSocket endpoints under /ws/*. server.mjs hands every upgrade on /ws/ to
 * `handleUpgrade`; features register their paths with `registerWsRoute`. Clients
 * authenticate with `?token=<access token>`, an Authorization header, or the UI cookie.
 */
export interface WsContext {
  params: Record<string, string>;
  session: Session;
  url: URL;
}

export type WsHandler = (socket: WebSocket, context: WsContext) => void | Promise<void>;

interface WsRoute {
  segments: string[];
  handler: WsHandler;
}

const routes: WsRoute[] = [];
const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });

export function registerWsRoute(pattern: string, handler: WsHandler): void {
  routes.push({ segments: pattern.split("/").filter(Boolean), handler });
}
/** Longest request path accepted; anything longer is not a path any endpoint has. */
const MAX_PATH_LENGTH = 2048;

class BadPathError extends Error {}

/**
 * Decodes each path segment strictly: malformed escapes, overlong or surrogate UTF-8
 * (which `decodeURIComponent` refuses) and control characters such as NUL are a
 * client error, answered 400, never passed on to a handler.
 */
function decodeSegments(pathname: string): string[] {
  if (pathname.length > MAX_PATH_LENGTH) throw new BadPathError("The path is too long");
  return pathname
    .split("/")
    .filter(Boolean)
    .map((part) => {
      let decoded: string;
      try {
        decoded = decodeURIComponent(part);
      } catch {
        throw new BadPathError("The path is not valid percent-encoded UTF-8");
      }
      // eslint-disable-next-line no-control-regex
      if (/[\u0000-\u001f\u007f]/.test(decoded)) throw new BadPathError("The path contains control characters");
      return decoded;
    });
}

function match(pathname: string): { route: WsRoute; params: Record<string, string> } | null {
  const parts = decodeSegments(pathname);
  for (const route of routes) {
    if (route.segments.length !== parts.length) continue;
    const params: Record<string, string> = {};
    const ok = route.segments.every((segment, i) => {
      if (segment.startsWith(":")) {
        params[segment.slice(1)] = parts[i]!;
        return true;
      }
      return segment === parts[i];
    });
    if (ok) return { route, params };
  }
  return null;
}

const STATUS: Record<number, { text: string; code: string }> = {
  400: { text: "Bad Request", code: "BAD_REQUEST" },
  401: { text: "Unauthorized", code: "UNAUTHORIZED" },
  403: { text: "Forbidden", code: "FORBIDDEN" },
  404: { text: "Not Found", code: "NOT_FOUND" },
  500: { text: "Internal Server Error", code: "INTERNAL" },
};

/** Answers the upgrade with a plain HTTP error and closes the socket, whatever state it is in. */
function reject(socket: Duplex, status: number, reason: string): void {
  const { text, code } = STATUS[status] ?? STATUS[500]!;
  const body = JSON.stringify({ error: { code, message: reason } });
  if (socket.destroyed) return;
  if (!socket.writable) return void socket.destroy();
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
  // A client that never reads its answer must not keep the socket open.
  setTimeout(() => socket.destroy(), 1000).unref();
}

async function authenticate(request: IncomingMessage, url: URL): Promise<Session | null> {
  const headers = new Headers();
  for (const [key, value] of Object.entries(request.headers)) {
    if (typeof value === "string") headers.set(key, value);
  }
  const header = headers.get("authorization");
  const token = url.searchParams.get("token") ?? (header?.match(/^Bearer\s+(\S+)$/i)?.[1] ?? null);
  if (token) return sessionFromBearer(token);
  return sessionFromCookie(headers);
}

/**
 * Never throws and never leaves a socket hanging: every failure before the WebSocket
 * handshake is answered with an HTTP status and the socket closed.
 */
export async function handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
  // A reset connection must not surface as an unhandled 'error' event.
  socket.on("error", () => socket.destroy());
  try {
    await upgrade(request, socket, head);
  } catch (error) {
    if (error instanceof BadPathError) return reject(socket, 400, error.message);
    console.error(`[ws] upgrade failed (client ${request.headers[CLIENT_IP_HEADER] ?? "?"}):`, error);
    reject(socket, 500, "The WebSocket upgrade failed");
  }
}

async function upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
  let url: URL;
  try {
    url = new URL(request.url ?? "/", "http://localhost");
  } catch {
    throw new BadPathError("The request target is not a valid URL");
  }
  const found = match(url.pathname);
  // The path is not echoed: it is the client's own, possibly hostile, text.
  if (!found) return reject(socket, 404, "No WebSocket endpoint at this path");
  let session: Session | null;
  try {
    session = await authenticate(request, url);
  } catch (error) {
    return reject(socket, 401, error instanceof AppError ? error.message : "Authentication failed");
  }
  if (!session) return reject(socket, 401, "Sign in first: pass ?token=<access token>");
  // Live updates are data too: while two-factor sign-in is required and not yet on, they wait for it like every route.
  if (await mfaEnrollmentPending(session.user.id)) return reject(socket, 403, mfaEnrollmentRequired().message);
  if (socket.destroyed) return;
  wss.handleUpgrade(request, socket, head, (ws) => {
    void Promise.resolve()
      .then(() => found.route.handler(ws, { params: found.params, session, url }))
      .catch((error) => {
        console.error(`[ws] ${url.pathname} handler failed (client ${request.headers[CLIENT_IP_HEADER] ?? "?"}):`, error);
        ws.close(1011, "internal error");
      });
  });
}
