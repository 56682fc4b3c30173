import "server-only";
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer, type WebSocket } from "ws";
import { sessionFromCookie } from "../auth/next-auth-session";
import { CLIENT_IP_HEADER } from "../context";
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

function match(pathname: string): { route: WsRoute; params: Record<string, string> } | null {
  const parts = pathname.split("/").filter(Boolean);
  for (const route of routes) {
    if (route.segments.length !== parts.length) continue;
    const params: Record<string, string> = {};
    const ok = route.segments.every((segment, i) => {
      if (segment.startsWith(":")) {
        params[segment.slice(1)] = decodeURIComponent(parts[i]!);
        return true;
      }
      return segment === parts[i];
    });
    if (ok) return { route, params };
  }
  return null;
}

function reject(socket: Duplex, status: number, reason: string): void {
  const body = JSON.stringify({ error: { code: status === 404 ? "NOT_FOUND" : "UNAUTHORIZED", message: reason } });
  socket.end(
    `HTTP/1.1 ${status} ${status === 404 ? "Not Found" : "Unauthorized"}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
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

export async function handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
  const url = new URL(request.url ?? "/", "http://localhost");
  const found = match(url.pathname);
  if (!found) return reject(socket, 404, `No WebSocket endpoint at ${url.pathname}`);
  let session: Session | null;
  try {
    session = await authenticate(request, url);
  } catch (error) {
    return reject(socket, 401, error instanceof AppError ? error.message : "Authentication failed");
  }
  if (!session) return reject(socket, 401, "Sign in first: pass ?token=<access token>");
  wss.handleUpgrade(request, socket, head, (ws) => {
    void Promise.resolve(found.route.handler(ws, { params: found.params, session, url })).catch((error) => {
      console.error(`[ws] ${url.pathname} handler failed (client ${request.headers[CLIENT_IP_HEADER] ?? "?"}):`, error);
      ws.close(1011, "internal error");
    });
  });
}
