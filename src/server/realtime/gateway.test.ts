import { createServer, type Server } from "node:http";
import { connect, type AddressInfo } from "node:net";
import { Duplex } from "node:stream";
import type { IncomingMessage } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { generate } from "otplib";
import { rest, signedInUser } from "@/test/rest-client";
import { handleUpgrade } from "./gateway";
import { registerWsRoutes } from "./routes";

/**
 * The /ws gateway on a real node:http server, spoken to over raw TCP: every upgrade it
 * cannot serve is answered with an HTTP status and the socket closed, never left hanging.
 */
let server: Server;
let port: number;
let token: string;

beforeAll(async () => {
  registerWsRoutes();
  server = createServer((_req, res) => res.end());
  server.on("upgrade", (req, socket, head) => void handleUpgrade(req, socket, head));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
  token = (await signedInUser()).token;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** Sends a raw upgrade request; resolves with what came back once the server closed, or "TIMEOUT". */
function rawUpgrade(target: string, extraHeaders = ""): Promise<{ text: string; closed: boolean }> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    let text = "";
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ text, closed: false });
    }, 3000);
    socket.on("data", (chunk) => (text += chunk.toString("latin1")));
    socket.on("close", () => {
      clearTimeout(timer);
      resolve({ text, closed: true });
    });
    socket.on("error", () => undefined);
    socket.write(
      `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n${extraHeaders}\r\n`,
    );
  });
}

const undecodable = [
  "/ws/query/%E0%A4%A", // truncated escape
  "/ws/query/%E0%A4", // truncated UTF-8 sequence
  "/ws/query/%", // bare percent
  "/ws/query/%zz", // not hex
  "/ws/query/%C0%AF", // overlong "/"
  "/ws/query/%E0%80%AF", // overlong, three bytes
  "/ws/query/%ED%A0%80", // lone high surrogate in UTF-8
  "/ws/query/%ED%BF%BF", // lone low surrogate in UTF-8
  "/ws/query/%FF", // never valid in UTF-8
  "/ws/%FF/abc", // in a literal segment
];
const controlCharacters = ["/ws/query/%00", "/ws/query/run%00id", "/ws/query/a%0Ab", "/ws/query/%7F"];

describe("WebSocket upgrades with bad paths", () => {
  it.each([...undecodable, ...controlCharacters])("answers %s with 400 and closes, signed in", async (path) => {
    const { text, closed } = await rawUpgrade(`${path}?token=${token}`);
    expect(closed).toBe(true);
    expect(text).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(JSON.parse(text.split("\r\n\r\n")[1]!)).toMatchObject({ error: { code: "BAD_REQUEST" } });
  });

  it.each(undecodable.slice(0, 3))("answers %s with 400 and closes without a token too", async (path) => {
    const { text, closed } = await rawUpgrade(path);
    expect(closed).toBe(true);
    expect(text).toMatch(/^HTTP\/1\.1 400 /);
  });

  it("answers an overlong path with 400", async () => {
    const { text, closed } = await rawUpgrade(`/ws/query/${"a".repeat(5000)}?token=${token}`);
    expect(closed).toBe(true);
    expect(text).toMatch(/^HTTP\/1\.1 400 /);
  });
});

describe("WebSocket upgrades that are refused for other reasons", () => {
  it("answers an unknown endpoint with 404 (without echoing the path) and closes", async () => {
    const { text, closed } = await rawUpgrade(`/ws/nothing-here/<script>?token=${token}`);
    expect(closed).toBe(true);
    expect(text).toMatch(/^HTTP\/1\.1 404 Not Found\r\n/);
    expect(text).not.toContain("<script>");
  });

  it("answers a missing or bad token with 401 and closes", async () => {
    for (const target of ["/ws/query/abc", "/ws/query/abc?token=garbage"]) {
      const { text, closed } = await rawUpgrade(target);
      expect(closed, target).toBe(true);
      expect(text, target).toMatch(/^HTTP\/1\.1 401 Unauthorized\r\n/);
    }
  });

  it("any failure inside the upgrade answers and closes instead of rejecting", async () => {
    const written: string[] = [];
    const socket = new Duplex({
      read() {},
      write(chunk, _enc, done) {
        written.push(String(chunk));
        done();
      },
    });
    const request = {
      url: "/ws/query/abc",
      get headers(): never {
        throw new Error("headers exploded");
      },
    } as unknown as IncomingMessage;
    await expect(handleUpgrade(request, socket, Buffer.alloc(0))).resolves.toBeUndefined();
    expect(written.join("")).toMatch(/^HTTP\/1\.1 (401|500) /);
    expect(socket.writableEnded || socket.destroyed).toBe(true);
  });

  it("still serves a well-formed path: the socket opens and reports the unknown run", async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws/query/${encodeURIComponent("no-such-run")}?token=${token}`);
    const closed = await new Promise<{ code: number; messages: string[] }>((resolve, reject) => {
      const messages: string[] = [];
      ws.on("message", (m) => messages.push(String(m)));
      ws.on("close", (code) => resolve({ code, messages }));
      ws.on("error", reject);
    });
    expect(closed.code).toBe(4404);
    expect(JSON.parse(closed.messages[0]!)).toMatchObject({ type: "error", error: { code: "NOT_FOUND" } });
  });
});

describe("WebSocket upgrades while two-factor sign-in is required", () => {
  const setRequired = async (adminToken: string, requireMfa: boolean) =>
    expect((await rest("PUT", "/settings", { token: adminToken, body: { organization: { require_mfa: requireMfa } } })).status).toBe(200);
  const enrol = async (userToken: string) => {
    const start = await rest("POST", "/auth/mfa/enroll", { token: userToken });
    const code = await generate({ secret: start.body.secret as string, epoch: Math.floor(Date.now() / 1000) });
    expect((await rest("POST", "/auth/mfa/confirm", { token: userToken, body: { code } })).status).toBe(200);
  };

  it("refuses a user who has not enrolled with 403, and serves them once they have", async () => {
    const admin = await signedInUser("admin");
    const analyst = await signedInUser("analyst");
    await setRequired(admin.token, true);
    try {
      const refused = await rawUpgrade(`/ws/query/some-run?token=${analyst.token}`);
      expect(refused.closed).toBe(true);
      expect(refused.text).toMatch(/^HTTP\/1\.1 403 Forbidden\r\n/);
      expect(refused.text).toContain("two-factor");
      await enrol(analyst.token);
      const served = await rawUpgrade(`/ws/query/some-run?token=${analyst.token}`);
      expect(served.text).toMatch(/^HTTP\/1\.1 101 Switching Protocols\r\n/);
    } finally {
      await enrol(admin.token);
      await setRequired(admin.token, false);
    }
  });
});
