import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/server/db";
import { demoDatabaseFile, grant } from "@/test/fixtures";
import { rest, signedInUser } from "@/test/rest-client";

/**
 * The hot REST reads keep grants and data source rows in memory (db/read-cache.ts).
 * Every change that takes access away must be seen by the very next request: each case
 * first warms the caches with a successful call, changes one thing, and expects the
 * next call to be refused, with no wait in between.
 */
let admin: Awaited<ReturnType<typeof signedInUser>>;
let file: string;

beforeAll(async () => {
  process.env.QUARRY_SQLITE_DIRS = "";
  admin = await signedInUser("admin");
  file = demoDatabaseFile();
});

async function dataSource(name = `ds-${Math.random().toString(36).slice(2)}`): Promise<string> {
  const res = await rest("POST", "/datasources", { token: admin.token, body: { name, type: "sqlite", database_name: file } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id;
}

/** An analyst who may read `id` through one group; the group's id. */
async function reader(id: string) {
  const who = await signedInUser("analyst");
  const groupId = await grant(who.user.id, id, { canRead: true });
  return { ...who, groupId };
}

const runQuery = (token: string, id: string) => rest("POST", "/queries", { token, body: { data_source_id: id, query_text: "SELECT 1 AS one" } });
const listed = async (token: string) => ((await rest("GET", "/datasources", { token })).body.data as { id: string; name: string }[]);

/** Warms every cache on the path: the run and the list both succeed. */
async function warm(token: string, id: string) {
  expect((await runQuery(token, id)).status).toBe(200);
  expect((await listed(token)).map((d) => d.id)).toContain(id);
}

describe("access taken away is refused on the next request", () => {
  it("a revoked grant (PUT /datasources/:id/permissions)", async () => {
    const id = await dataSource();
    const r = await reader(id);
    await warm(r.token, id);
    const revoke = await rest("PUT", `/datasources/${id}/permissions`, { token: admin.token, body: { permissions: [] } });
    expect(revoke.status, JSON.stringify(revoke.body)).toBe(200);
    expect((await runQuery(r.token, id)).status).toBe(404);
    expect((await listed(r.token)).map((d) => d.id)).not.toContain(id);
  });

  it("a removed group membership (DELETE /groups/:id/users)", async () => {
    const id = await dataSource();
    const r = await reader(id);
    await warm(r.token, id);
    const removed = await rest("DELETE", `/groups/${r.groupId}/users`, { token: admin.token, body: { user_id: r.user.id } });
    expect(removed.status, JSON.stringify(removed.body)).toBe(200);
    expect((await runQuery(r.token, id)).status).toBe(404);
    expect(await listed(r.token)).toEqual([]);
  });

  it("a deleted group (its grants go with it)", async () => {
    const id = await dataSource();
    const r = await reader(id);
    await warm(r.token, id);
    expect((await rest("DELETE", `/groups/${r.groupId}`, { token: admin.token })).status).toBe(200);
    expect((await runQuery(r.token, id)).status).toBe(404);
  });

  it("a deactivated user", async () => {
    const id = await dataSource();
    const r = await reader(id);
    await warm(r.token, id);
    const off = await rest("PUT", `/auth/users/${r.user.id}`, { token: admin.token, body: { is_active: false } });
    expect(off.status, JSON.stringify(off.body)).toBe(200);
    expect((await runQuery(r.token, id)).status).toBe(401);
    expect((await rest("GET", "/datasources", { token: r.token })).status).toBe(401);
  });

  it("a deleted data source, for its readers and for admins", async () => {
    const id = await dataSource();
    const r = await reader(id);
    await warm(r.token, id);
    await warm(admin.token, id);
    expect((await rest("DELETE", `/datasources/${id}`, { token: admin.token })).status).toBe(200);
    for (const token of [r.token, admin.token]) {
      expect((await runQuery(token, id)).status).toBe(404);
      expect((await listed(token)).map((d) => d.id)).not.toContain(id);
    }
  });

  it("a grant removed inside an interactive transaction, outside any service", async () => {
    const id = await dataSource();
    const r = await reader(id);
    await warm(r.token, id);
    await db.$transaction(async (tx) => {
      await tx.dataSourcePermission.deleteMany({ where: { dataSourceId: id } });
    });
    expect((await runQuery(r.token, id)).status).toBe(404);
  });
});

describe("changes that give access or alter a data source are seen on the next request", () => {
  it("a new grant, a rename and a downgrade from write to read", async () => {
    const id = await dataSource();
    const who = await signedInUser("analyst");
    expect((await runQuery(who.token, id)).status).toBe(404); // cached: no grants
    const groupId = await grant(who.user.id, id, { canRead: true, canWrite: true });
    expect((await runQuery(who.token, id)).status).toBe(200);
    expect((await listed(who.token)).find((d) => d.id === id)).toMatchObject({});

    const renamed = await rest("PUT", `/datasources/${id}`, { token: admin.token, body: { name: `renamed-${id}` } });
    expect(renamed.status, JSON.stringify(renamed.body)).toBe(200);
    expect((await listed(who.token)).find((d) => d.id === id)?.name).toBe(`renamed-${id}`);

    // A writer's write becomes an approval request; a reader's is refused (403).
    const write = () => rest("POST", "/queries", { token: who.token, body: { data_source_id: id, query_text: "DELETE FROM customers" } });
    expect((await write()).status).toBe(202);
    await db.dataSourcePermission.updateMany({ where: { groupId, dataSourceId: id }, data: { canWrite: false } });
    expect((await write()).status).toBe(403);
  });
});

describe("runs written behind the response", () => {
  it("are in the caller's history and readable by id straight after the answer", async () => {
    const id = await dataSource();
    const ran = await runQuery(admin.token, id);
    expect(ran.status).toBe(200);
    const got = await rest("GET", `/queries/${ran.body.id}`, { token: admin.token });
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ id: ran.body.id, status: "completed", row_count: 1 });
    const history = await rest("GET", "/queries?page=1&page_size=5", { token: admin.token });
    expect(history.body.data[0]).toMatchObject({ id: ran.body.id, status: "completed" });
    const page = await rest("GET", `/queries/${ran.body.id}/results?page=1&page_size=10`, { token: admin.token });
    expect(page.status).toBe(200);
    expect(JSON.stringify(page.body)).toContain('"one":1');
  });
});
