import { randomBytes } from "node:crypto";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { db } from "@/server/db";
import { defineJob } from "@/server/jobs/definition";
import { createCaller } from "@/server/routers/_app";
import { makeDataSource } from "@/server/rest/routes/governance/testing";
import { grant } from "@/test/fixtures";
import { jobUser, stopTestQueues, testQueue } from "@/test/jobs";
import { rest, signedInUser } from "@/test/rest-client";
import { flushAudit } from "./audit";
import { sessionFromBearer, toSessionUser } from "./auth/session";
import { listDataSources } from "./datasources/crud";
import { listGroups } from "./groups";
import { getJobFor } from "./jobs";
import { jobPrincipal, shareLinkPrincipal, userPrincipal } from "./principal";
import { createSavedQuery } from "./saved-queries";
import { openShareLink } from "./shares";
import { listUsers } from "./users/query";

afterEach(stopTestQueues);

const entries = async (where: { action: string; resourceId?: string }) => {
  await flushAudit();
  return db.auditEntry.findMany({ where, orderBy: { createdAt: "asc" } });
};

/** A stored run with a result snapshot and a link to it, as the share flow leaves them. */
async function shareLinkRow(ownerId: string) {
  const run = await db.queryRun.create({
    data: { userId: ownerId, sql: "SELECT 1 AS n", kind: "read", status: "completed", rowCount: 1 },
  });
  return db.shareLink.create({
    data: {
      id: randomBytes(18).toString("base64url"),
      queryRunId: run.id,
      createdById: ownerId,
      sql: run.sql,
      columns: JSON.stringify([{ name: "n", type: "integer", kind: "number" }]),
      rows: JSON.stringify([{ n: 1 }]),
      rowCount: 1,
    },
  });
}

let admin: Awaited<ReturnType<typeof signedInUser>>;
beforeAll(async () => {
  admin = await signedInUser("admin");
});

describe("user principals", () => {
  it("are audited as the user, with the request's IP", async () => {
    const user = await jobUser("analyst");
    const saved = await createSavedQuery(userPrincipal(toSessionUser(user), "10.1.2.3"), { title: "mine", sql: "SELECT 1" });
    const [entry] = await entries({ action: "save_query", resourceId: saved.id });
    expect(entry).toMatchObject({ principalType: "user", principalId: user.id, userId: user.id, ip: "10.1.2.3", actor: user.email });
  });

  it("are built once by the REST adapter, with the socket's address", async () => {
    const name = `principal-${Date.now()}`;
    const res = await rest("POST", "/groups", { token: admin.token, body: { name }, headers: { "x-quarry-client-ip": "10.7.7.7" } });
    expect(res.status).toBe(201);
    const [entry] = await entries({ action: "create_group", resourceId: res.body.id });
    expect(entry).toMatchObject({ principalType: "user", principalId: admin.user.id, ip: "10.7.7.7" });
  });

  it("are built by tRPC's middleware too", async () => {
    const session = await sessionFromBearer(admin.token);
    const caller = createCaller({ session, sessionError: null, meta: { ip: "10.8.8.8", userAgent: "" }, bearerToken: admin.token });
    const group = await caller.groups.create({ name: `trpc-${Date.now()}` });
    const [entry] = await entries({ action: "create_group", resourceId: group.id });
    expect(entry).toMatchObject({ principalType: "user", principalId: admin.user.id, ip: "10.8.8.8" });
  });

  it("without the admin role are refused by admin-only services", async () => {
    const analyst = await jobUser("analyst");
    await expect(listUsers(userPrincipal(toSessionUser(analyst)), { page: 1, pageSize: 10 })).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});

describe("job principals", () => {
  const saveJob = defineJob({
    name: "test-principal-save",
    payloadSchema: z.object({ dataSourceId: z.string().optional(), title: z.string() }),
    async run({ dataSourceId, title }, ctx) {
      const saved = await createSavedQuery(ctx.principal, { title, sql: "SELECT 1", dataSourceId });
      return { id: saved.id };
    },
  });

  it("act for their user and are audited as the job", async () => {
    const user = await jobUser("analyst");
    const queue = testQueue([saveJob]);
    await queue.start();
    const job = await queue.enqueue(saveJob, { title: "from a job" }, { principal: user });
    const done = await queue.waitUntilFinished(job.id, 5000);
    expect(done?.status).toBe("completed");
    const savedId = (done!.result as { id: string }).id;
    expect((await db.savedQuery.findUniqueOrThrow({ where: { id: savedId } })).ownerId).toBe(user.id);
    const [entry] = await entries({ action: "save_query", resourceId: savedId });
    expect(entry).toMatchObject({ principalType: "job", principalId: job.id, userId: user.id, ip: "" });
    expect(entry!.actor).toContain("(job test-principal-save)");
  });

  it("are refused once their user lost the grant, though it was there at enqueue", async () => {
    const user = await jobUser("analyst");
    const ds = await makeDataSource();
    const groupId = await grant(user.id, ds.id, { canRead: true });
    const queue = testQueue([saveJob]);
    const job = await queue.enqueue(saveJob, { dataSourceId: ds.id, title: "too late" }, { principal: user });
    await db.group.delete({ where: { id: groupId } });
    await queue.start();
    const done = await queue.waitUntilFinished(job.id, 5000);
    expect(done?.status).toBe("failed");
    expect(done?.error?.code).toBe("NOT_FOUND");
    expect(await db.savedQuery.count({ where: { ownerId: user.id } })).toBe(0);
  });

  it("see what their user may see, and no more", async () => {
    const user = await jobUser("analyst");
    const readable = await makeDataSource();
    const hidden = await makeDataSource();
    await grant(user.id, readable.id, { canRead: true });
    const ids = (await listDataSources(jobPrincipal(toSessionUser(user), { id: "job-1", name: "test" }))).map((d) => d.id);
    expect(ids).toContain(readable.id);
    expect(ids).not.toContain(hidden.id);
  });
});

describe("share-link principals", () => {
  it("open their link and are audited as the link, with the visitor's IP and no user", async () => {
    const owner = await jobUser("analyst");
    const link = await shareLinkRow(owner.id);
    const snapshot = await openShareLink(shareLinkPrincipal(link.id, "10.9.9.9"), undefined);
    expect(snapshot.rows).toEqual([{ n: 1 }]);
    const [entry] = await entries({ action: "open_share_link", resourceId: link.queryRunId });
    expect(entry).toMatchObject({ principalType: "share-link", principalId: link.id, userId: null, ip: "10.9.9.9", outcome: "success" });
  });

  it("are built by the public tRPC procedure from the visitor's address", async () => {
    const owner = await jobUser("analyst");
    const link = await shareLinkRow(owner.id);
    const anonymous = createCaller({ session: null, sessionError: null, meta: { ip: "10.6.6.6", userAgent: "" }, bearerToken: null });
    await anonymous.shares.open({ id: link.id });
    const [entry] = await entries({ action: "open_share_link", resourceId: link.queryRunId });
    expect(entry).toMatchObject({ principalType: "share-link", principalId: link.id, ip: "10.6.6.6" });
  });

  it("get 403 from every service that is for users only", async () => {
    const owner = await jobUser("analyst");
    const link = await shareLinkRow(owner.id);
    const visitor = shareLinkPrincipal(link.id, "10.9.9.9");
    await expect(createSavedQuery(visitor, { title: "x", sql: "SELECT 1" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(listDataSources(visitor)).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(listGroups(visitor, { page: 1, pageSize: 10 })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(getJobFor(visitor, "any")).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(listUsers(visitor, { page: 1, pageSize: 10 })).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(await db.savedQuery.count({ where: { title: "x", ownerId: owner.id } })).toBe(0);
  });
});
