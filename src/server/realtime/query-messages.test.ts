import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { db } from "@/server/db";
import { publish } from "@/server/events/bus";
import { demoDatabaseFile } from "@/test/fixtures";
import { rest, signedInUser } from "@/test/rest-client";
import { handleUpgrade } from "./gateway";
import { queryStatusMessage } from "./query-messages";
import { registerWsRoutes } from "./routes";

/**
 * `/ws/query/:id` messages are the catalogue's `query.status` mapped to the REST wire
 * shape. These are the exact strings each publisher sent before the catalogue existed
 * (key order included): a REST client must not see a byte change.
 */
describe("query.status → /ws wire shape", () => {
  const cases: [string, Parameters<typeof queryStatusMessage>[0], string][] = [
    ["a run starts", { queryId: "q1", status: "executing" }, '{"type":"status_changed","query_id":"q1","status":"executing","progress":10}'],
    [
      "a read completes, not truncated",
      { queryId: "q1", status: "completed", rowCount: 3, truncated: false },
      '{"type":"status_changed","query_id":"q1","status":"completed","progress":100,"row_count":3,"truncated":false}',
    ],
    [
      "a read completes, truncated by bytes",
      { queryId: "q1", status: "completed", rowCount: 10, truncated: true, truncatedReason: "bytes" },
      '{"type":"status_changed","query_id":"q1","status":"completed","progress":100,"row_count":10,"truncated":true,"truncated_reason":"bytes"}',
    ],
    [
      "a read fails with client-safe details",
      { queryId: "q1", status: "failed", error: "syntax error", details: { position: 4 } },
      '{"type":"status_changed","query_id":"q1","status":"failed","progress":100,"error":"syntax error","details":{"position":4}}',
    ],
    [
      "a read fails with no details (a bug's are withheld)",
      { queryId: "q1", status: "failed", error: "The query failed", details: undefined },
      '{"type":"status_changed","query_id":"q1","status":"failed","progress":100,"error":"The query failed"}',
    ],
    ["a cancel request", { queryId: "q1", status: "cancelled" }, '{"type":"status_changed","query_id":"q1","status":"cancelled","progress":100}'],
    [
      "an export ends cancelled",
      { queryId: "q1", status: "cancelled", rowCount: 40, error: "The export was cancelled" },
      '{"type":"status_changed","query_id":"q1","status":"cancelled","progress":100,"row_count":40,"error":"The export was cancelled"}',
    ],
    [
      "a follower's first message: the stored run, refused",
      { queryId: "q1", status: "rejected", rowCount: 0, error: "refused" },
      '{"type":"status_changed","query_id":"q1","status":"rejected","progress":100,"row_count":0,"error":"refused"}',
    ],
    ["queued", { queryId: "q1", status: "queued" }, '{"type":"status_changed","query_id":"q1","status":"queued","progress":0}'],
  ];
  it.each(cases)("%s", (_name, event, wire) => {
    expect(JSON.stringify(queryStatusMessage(event))).toBe(wire);
  });
});

describe("/ws/query/:id over a real socket, on the demo SQLite source", () => {
  let server: Server;
  let port = 0;
  let token = "";
  let dataSourceId = "";

  beforeAll(async () => {
    registerWsRoutes();
    server = createServer((_req, res) => res.end());
    server.on("upgrade", (req, socket, head) => void handleUpgrade(req, socket, head));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
    token = (await signedInUser("admin")).token;
    dataSourceId = (await db.dataSource.create({ data: { name: "demo-ws", engine: "sqlite", database: demoDatabaseFile() } })).id;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  /** Opens the socket and collects raw frames until the server closes it. */
  const follow = (id: string, onOpen?: () => void) =>
    new Promise<{ frames: string[]; code: number }>((resolve, reject) => {
      const frames: string[] = [];
      const socket = new WebSocket(`ws://127.0.0.1:${port}/ws/query/${id}?token=${token}`);
      socket.on("message", (data) => {
        frames.push(data.toString());
        if (frames.length === 1) onOpen?.();
      });
      socket.on("close", (code) => resolve({ frames, code }));
      socket.on("error", reject);
    });

  it("sends a finished run's stored state in the REST shape and closes", async () => {
    const started = await rest("POST", "/queries", {
      token,
      body: { data_source_id: dataSourceId, query_text: "SELECT id FROM regions ORDER BY id", wait: false },
    });
    expect(started.status).toBe(202);
    const id = started.body.query_id as string;
    for (let i = 0; i < 50 && (await rest("GET", `/queries/${id}`, { token })).body.status !== "completed"; i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    const rows = (await db.queryRun.findUniqueOrThrow({ where: { id } })).rowCount;
    const { frames, code } = await follow(id);
    expect(code).toBe(1000);
    expect(frames).toEqual([`{"type":"status_changed","query_id":"${id}","status":"completed","progress":100,"row_count":${rows}}`]);
  });

  it("relays bus events published while a client follows, mapped to the wire, and closes after the final one", async () => {
    // A run recorded as running, moved along by publishing on the bus as the services do.
    const admin = await db.user.findFirstOrThrow({ where: { role: "admin" }, orderBy: { createdAt: "desc" } });
    const run = await db.queryRun.create({
      data: { userId: admin.id, dataSourceId, sql: "SELECT 1", kind: "read", operation: "SELECT", status: "running", source: "editor" },
    });
    const { frames, code } = await follow(run.id, () => {
      publish("query.status", "another-run", { queryId: "another-run", status: "completed", rowCount: 1 });
      publish("query.status", run.id, { queryId: run.id, status: "completed", rowCount: 7, truncated: true, truncatedReason: "rows" });
    });
    expect(code).toBe(1000);
    expect(frames).toEqual([
      `{"type":"status_changed","query_id":"${run.id}","status":"executing","progress":10,"row_count":0}`,
      `{"type":"status_changed","query_id":"${run.id}","status":"completed","progress":100,"row_count":7,"truncated":true,"truncated_reason":"rows"}`,
    ]);
  });
});
