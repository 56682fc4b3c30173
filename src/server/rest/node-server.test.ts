import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signedInUser } from "@/test/rest-client";
import { handleRestRequest } from "./handler";
import { serveRestFromNode, servesFromNode } from "./node-server";

/** /api/v1 served by server.mjs without Next must answer exactly as the adapter does. */
describe("servesFromNode", () => {
  it("takes plain /api/v1 paths, with or without a query", () => {
    for (const url of ["/api/v1", "/api/v1/queries", "/api/v1/datasources?page=2", "/api/v1/queries/abc-123/results", "/api/v1/x%20y"]) {
      expect(servesFromNode(url), url).toBe(true);
    }
  });

  it("takes /health, the unauthenticated alias of /api/v1/health", () => {
    expect(servesFromNode("/health")).toBe(true);
    expect(servesFromNode("/health?probe=1")).toBe(true);
  });

  it("leaves to Next what Next normalises or redirects first", () => {
    for (const url of ["/api/v1/", "/api/v1/queries/", "/api/v1//queries", "/api/v1/./queries", "/api/v1/a/../queries", "/api/v1/..", "/api/v10/x", "/api/v1x", "/health/", "/healthz", "/health/x", "/", undefined]) {
      expect(servesFromNode(url), String(url)).toBe(false);
    }
  });
});

describe("serveRestFromNode", () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = createServer((req, res) => void serveRestFromNode(req, res));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const viaAdapter = (path: string, init?: RequestInit) => handleRestRequest(new Request(`http://quarry.test/api/v1${path}`, init));
  const comparable = (headers: Headers) =>
    Object.fromEntries([...headers].filter(([k]) => !["date", "connection", "keep-alive", "content-length", "x-ratelimit-reset", "x-ratelimit-remaining", "transfer-encoding"].includes(k)));

  it("answers with the adapter's status, headers and body, for successes and each error format", async () => {
    const { token } = await signedInUser("admin");
    const auth = { authorization: `Bearer ${token}` };
    for (const [path, init] of [
      ["/datasources", { headers: auth }],
      ["/auth/me", { headers: auth }],
      ["/datasources", {}],
      ["/no-such-route", {}],
      ["/connections/x", { headers: auth }],
      ["/queries", { method: "POST", headers: { ...auth, "content-type": "application/json" }, body: "{not json" }],
      ["/queries", { method: "POST", headers: { ...auth, "content-type": "text/plain" }, body: "SELECT 1" }],
    ] as Array<[string, RequestInit]>) {
      const direct = await fetch(`${base}${path}`, init);
      const expected = await viaAdapter(path, init);
      expect(direct.status, path).toBe(expected.status);
      expect(comparable(direct.headers), path).toEqual(comparable(expected.headers));
      const withoutTime = (text: string) => text.replace(/"timestamp":"[^"]+"/, '"timestamp":"T"');
      expect(withoutTime(await direct.text()), path).toBe(withoutTime(await expected.text()));
    }
  });

  it("answers /health as the adapter answers /api/v1/health, without credentials", async () => {
    const origin = base.slice(0, -"/api/v1".length);
    for (const path of ["/health", "/health?probe=1"]) {
      const direct = await fetch(`${origin}${path}`);
      const expected = await viaAdapter(path); // viaAdapter prefixes /api/v1
      expect(direct.status, path).toBe(200);
      expect(direct.status, path).toBe(expected.status);
      expect(comparable(direct.headers), path).toEqual(comparable(expected.headers));
      expect(Object.keys(await direct.json()).sort(), path).toEqual(Object.keys(await expected.json()).sort());
    }
  });

  it("sends JSON with its length and HEAD without a body", async () => {
    const { token } = await signedInUser("admin");
    const get = await fetch(`${base}/datasources`, { headers: { authorization: `Bearer ${token}` } });
    expect(Number(get.headers.get("content-length"))).toBe(Buffer.byteLength(await get.text()));
    const head = await fetch(`${base}/datasources`, { method: "HEAD", headers: { authorization: `Bearer ${token}` } });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe("");
  });

  it("refuses bodies over the limit while streaming them", async () => {
    const { token } = await signedInUser("admin");
    const big = JSON.stringify({ data_source_id: "x", query_text: "x".repeat(2 * 1024 * 1024) });
    const res = await fetch(`${base}/queries`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: big });
    expect(res.status).toBe(413);
  });

  it("answers 413 to a chunked body that grows over the limit, and reads a chunked body within it", async () => {
    const { token } = await signedInUser("admin");
    const send = (chunks: string[]) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = httpRequest(`${base}/queries`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" } }, (res) => {
          let body = "";
          res.on("data", (c) => (body += c));
          res.on("end", () => resolve({ status: res.statusCode!, body }));
        });
        req.on("error", reject);
        for (const chunk of chunks) req.write(chunk); // no Content-Length: chunked
        req.end();
      });
    const big = await send([`{"data_source_id":"x","query_text":"`, ..."x".repeat(64).split("").map(() => "y".repeat(64 * 1024)), `"}`]);
    expect(big.status).toBe(413);
    const small = await send([`{"data_source_id":`, `"no-such-source","query_text":"SELECT 1"}`]);
    expect(small.status).toBe(404);
  });
});
