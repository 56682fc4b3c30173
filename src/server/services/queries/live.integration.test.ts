import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/server/db";
import { queryStatusMessage, type QueryStatusMessage } from "@/server/realtime/query-messages";
import { sessionFromBearer } from "@/server/services/auth/session";
import { rest, signedInUser } from "@/test/rest-client";
import { serviceAvailable, services } from "@/test/services";
import { watchQuery } from "./live";

const available = await serviceAvailable("postgres");
/** Seconds of pure CPU on the server (pg_sleep would be filed for approval: it is not a plain read). */
const SLOW = "SELECT count(*) AS n FROM generate_series(1, 400000000) g";

/** Running, following and cancelling a slow query on a real PostgreSQL server. */
describe.skipIf(!available)("long-running queries", () => {
  let admin: Awaited<ReturnType<typeof signedInUser>>;
  let adminSession: Awaited<ReturnType<typeof sessionFromBearer>>;
  let dsId = "";

  beforeAll(async () => {
    admin = await signedInUser("admin");
    adminSession = await sessionFromBearer(admin.token);
    const { host, port, user, database } = services.postgres;
    dsId = (await db.dataSource.create({ data: { name: "pg-live", engine: "postgres", host, port, database, username: user } })).id;
  });

  const waitFor = async (id: string, status: string) => {
    for (let i = 0; i < 100; i++) {
      const run = await rest("GET", `/queries/${id}`, { token: admin.token });
      if (run.body.status === status) return run.body;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`query ${id} never reached ${status}`);
  };

  it("starts without waiting, reports status events, and is cancelled on request", async () => {
    const started = await rest("POST", "/queries", {
      token: admin.token,
      body: { data_source_id: dsId, query_text: SLOW, wait: false },
    });
    expect(started.status).toBe(202);
    const id = started.body.query_id as string;

    const events: QueryStatusMessage[] = [];
    const finished = new Promise<void>((resolve) =>
      watchQuery(adminSession.user, id, (e) => events.push(queryStatusMessage(e)), resolve).catch(() => resolve()),
    );
    await new Promise((r) => setTimeout(r, 300));
    const cancel = await rest("POST", `/queries/cancel/${id}`, { token: admin.token });
    expect(cancel.status).toBe(200);
    await finished;
    expect(events[0]).toMatchObject({ type: "status_changed", status: "executing" });
    expect(events.at(-1)).toMatchObject({ status: "cancelled" });
    await waitFor(id, "cancelled");
    expect((await rest("POST", `/queries/cancel/${id}`, { token: admin.token })).status).toBe(409);

    const next = await rest("POST", "/queries", { token: admin.token, body: { data_source_id: dsId, query_text: "SELECT 1 AS ok" } });
    expect(next.body.data).toEqual([{ ok: 1 }]);
  });

  it("stops a query at the statement timeout and stays usable", async () => {
    const { createCaller } = await import("@/server/routers/_app");
    const caller = createCaller({ session: adminSession, sessionError: null, meta: {}, bearerToken: null });
    await expect(caller.queries.execute({ dataSourceId: dsId, sql: SLOW, timeoutMs: 300 })).rejects.toMatchObject({
      message: expect.stringMatching(/timeout/i),
    });
    expect((await caller.queries.execute({ dataSourceId: dsId, sql: "SELECT 2 AS two" })).type).toBe("result");
  });
});
