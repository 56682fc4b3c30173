import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/server/db";
import { demoDatabaseFile, grant } from "@/test/fixtures";
import { rest, signedInUser } from "@/test/rest-client";
import { normalizePath } from "./match";

/**
 * Who may call what on the workbench: every workbench route × anonymous, viewer,
 * analyst, developer, admin, and an analyst outside every group of the data source.
 * Viewer and analyst may read the data source, the developer may also write.
 * Signed-in callers who may not see a resource get 404 (ids cannot be probed).
 */
type Principal = "anonymous" | "viewer" | "analyst" | "developer" | "admin" | "outsider";
const SIGNED_IN: Exclude<Principal, "anonymous">[] = ["outsider", "viewer", "analyst", "developer", "admin"];
const tokens = {} as Record<Principal, string | undefined>;
let demoFile = "";
let dsId = "";
let adminRun = "";
const ownRun = {} as Record<Principal, string>;

const freshDataSource = async () =>
  (await db.dataSource.create({ data: { name: `m-${Math.random().toString(36).slice(2)}`, engine: "sqlite", database: demoFile } })).id;

interface Row {
  method: string;
  route: string;
  call: (who: Principal) => Promise<{ path: string; body?: unknown }>;
  expected: Record<Exclude<Principal, "anonymous">, number | number[]>;
}

const readers = (ok: number, outsider = 404) => ({ outsider, viewer: ok, analyst: ok, developer: ok, admin: ok });
const adminOnly = (ok: number) => ({ outsider: 403, viewer: 403, analyst: 403, developer: 403, admin: ok });
const sql = "SELECT id FROM regions ORDER BY id";

const rows: Row[] = [
  // data sources under three names
  { method: "GET", route: "/datasources", call: async () => ({ path: "/datasources" }), expected: readers(200, 200) },
  { method: "POST", route: "/datasources", call: async () => ({ path: "/datasources", body: { name: `n${Math.random()}`, type: "sqlite", database_name: demoFile } }), expected: adminOnly(201) },
  { method: "GET", route: "/datasources/:id", call: async () => ({ path: `/datasources/${dsId}` }), expected: readers(200) },
  { method: "PUT", route: "/datasources/:id", call: async () => ({ path: `/datasources/${await freshDataSource()}`, body: { description: "x" } }), expected: adminOnly(200) },
  { method: "DELETE", route: "/datasources/:id", call: async () => ({ path: `/datasources/${await freshDataSource()}` }), expected: adminOnly(200) },
  { method: "POST", route: "/datasources/:id/test", call: async () => ({ path: `/datasources/${dsId}/test` }), expected: readers(200) },
  { method: "GET", route: "/datasources/:id/schema", call: async () => ({ path: `/datasources/${dsId}/schema` }), expected: readers(200) },
  { method: "POST", route: "/datasources/:id/sync", call: async () => ({ path: `/datasources/${dsId}/sync` }), expected: readers(200) },
  { method: "GET", route: "/datasources/:id/health", call: async () => ({ path: `/datasources/${dsId}/health` }), expected: readers(200) },
  { method: "GET", route: "/databases", call: async () => ({ path: "/databases" }), expected: readers(200, 200) },
  { method: "POST", route: "/databases", call: async () => ({ path: "/databases", body: { name: `n${Math.random()}`, type: "sqlite", database: demoFile } }), expected: adminOnly(201) },
  { method: "GET", route: "/databases/:id", call: async () => ({ path: `/databases/${dsId}` }), expected: readers(200) },
  { method: "POST", route: "/databases/:id/test-connection", call: async () => ({ path: `/databases/${dsId}/test-connection` }), expected: readers(200) },
  { method: "POST", route: "/databases/:id/sync-schema", call: async () => ({ path: `/databases/${dsId}/sync-schema` }), expected: readers(200) },
  { method: "DELETE", route: "/databases/:id", call: async () => ({ path: `/databases/${await freshDataSource()}` }), expected: adminOnly(200) },
  { method: "GET", route: "/connections", call: async () => ({ path: "/connections" }), expected: readers(200, 200) },
  { method: "POST", route: "/connections", call: async () => ({ path: "/connections", body: { name: `n${Math.random()}`, type: "sqlite", config: { database: demoFile } } }), expected: adminOnly(201) },
  { method: "GET", route: "/connections/:connection_id", call: async () => ({ path: `/connections/${dsId}` }), expected: readers(200) },
  { method: "PUT", route: "/connections/:connection_id", call: async () => ({ path: `/connections/${await freshDataSource()}`, body: { description: "x" } }), expected: adminOnly(200) },
  { method: "DELETE", route: "/connections/:connection_id", call: async () => ({ path: `/connections/${await freshDataSource()}` }), expected: adminOnly(200) },
  { method: "POST", route: "/connections/:connection_id/test", call: async () => ({ path: `/connections/${dsId}/test` }), expected: readers(200) },
  // schema (Analytics Assistant)
  { method: "GET", route: "/schema", call: async () => ({ path: `/schema?database_id=${dsId}` }), expected: readers(200) },
  { method: "GET", route: "/schema/tables", call: async () => ({ path: `/schema/tables?database_id=${dsId}` }), expected: readers(200) },
  { method: "GET", route: "/schema/tables/:table_name", call: async () => ({ path: `/schema/tables/regions?database_id=${dsId}` }), expected: readers(200) },
  { method: "GET", route: "/schema/relationships", call: async () => ({ path: `/schema/relationships?database_id=${dsId}` }), expected: readers(200) },
  // running queries
  { method: "POST", route: "/queries", call: async () => ({ path: "/queries", body: { data_source_id: dsId, query_text: sql } }), expected: readers(200) },
  { method: "POST", route: "/queries/execute", call: async () => ({ path: "/queries/execute", body: { input: sql, database_id: dsId } }), expected: readers(200) },
  { method: "POST", route: "/query", call: async () => ({ path: "/query", body: { sql, database_id: dsId } }), expected: readers(200) },
  { method: "POST", route: "/queries/validate", call: async () => ({ path: "/queries/validate", body: { sql, database_id: dsId } }), expected: readers(200) },
  { method: "POST", route: "/query/validate", call: async () => ({ path: "/query/validate", body: { sql, database_id: dsId } }), expected: readers(200) },
  // history: one's own runs only (the admin's run is a stranger's to everyone else)
  { method: "GET", route: "/queries", call: async () => ({ path: "/queries" }), expected: readers(200, 200) },
  { method: "GET", route: "/query/history", call: async () => ({ path: "/query/history" }), expected: readers(200, 200) },
  { method: "GET", route: "/queries/:id", call: async (who) => ({ path: `/queries/${who === "admin" ? adminRun : adminRun}` }), expected: { outsider: 404, viewer: 404, analyst: 404, developer: 404, admin: 200 } },
  { method: "GET", route: "/queries/:id/results", call: async (who) => ({ path: `/queries/${ownRun[who]}/results` }), expected: { outsider: 404, viewer: 200, analyst: 200, developer: 200, admin: 200 } },
  { method: "POST", route: "/queries/:id/export", call: async (who) => ({ path: `/queries/${ownRun[who]}/export`, body: { format: "csv" } }), expected: { outsider: 404, viewer: 200, analyst: 200, developer: 200, admin: 200 } },
  { method: "POST", route: "/queries/:id/share-link", call: async (who) => ({ path: `/queries/${ownRun[who]}/share-link`, body: {} }), expected: { outsider: 404, viewer: 201, analyst: 201, developer: 201, admin: 201 } },
  { method: "POST", route: "/queries/cancel/:query_id", call: async () => ({ path: `/queries/cancel/${adminRun}` }), expected: { outsider: 404, viewer: 404, analyst: 404, developer: 404, admin: 409 } },
  { method: "DELETE", route: "/queries/:id", call: async () => ({ path: `/queries/${adminRun}` }), expected: { outsider: 404, viewer: 404, analyst: 404, developer: 404, admin: [200, 404] } },
  { method: "DELETE", route: "/query/history/:query_id", call: async (who) => ({ path: `/query/history/${ownRun[who]}` }), expected: { outsider: 404, viewer: 200, analyst: 200, developer: 200, admin: 200 } },
  // saved queries: everyone has their own
  { method: "POST", route: "/saved-queries", call: async () => ({ path: "/saved-queries", body: { title: "t", sql } }), expected: readers(201, 201) },
  { method: "POST", route: "/queries/save", call: async () => ({ path: "/queries/save", body: { name: "t", query_text: sql } }), expected: readers(201, 201) },
  { method: "GET", route: "/saved-queries", call: async () => ({ path: "/saved-queries" }), expected: readers(200, 200) },
  { method: "GET", route: "/saved-queries/:id", call: async () => ({ path: `/saved-queries/${await adminSaved()}` }), expected: { outsider: 404, viewer: 404, analyst: 404, developer: 404, admin: 200 } },
  { method: "PUT", route: "/saved-queries/:id", call: async () => ({ path: `/saved-queries/${await adminSaved()}`, body: { sql: "SELECT 2" } }), expected: { outsider: 404, viewer: 404, analyst: 404, developer: 404, admin: 200 } },
  { method: "DELETE", route: "/saved-queries/:id", call: async () => ({ path: `/saved-queries/${await adminSaved()}` }), expected: { outsider: 404, viewer: 404, analyst: 404, developer: 404, admin: 200 } },
  { method: "POST", route: "/saved-queries/:id/share", call: async () => ({ path: `/saved-queries/${await adminSaved()}/share`, body: { user_ids: [adminId] } }), expected: { outsider: 404, viewer: 404, analyst: 404, developer: 404, admin: 200 } },
];

/** `/queries/:id` and `/queries/:query_id` are one route. */
const anyParam = (key: string) => key.replace(/:[A-Za-z_]+/g, ":param");

let adminId = "";
async function adminSaved(): Promise<string> {
  return (await rest("POST", "/saved-queries", { token: tokens.admin, body: { title: "admin's", sql } })).body.id;
}

beforeAll(async () => {
  demoFile = demoDatabaseFile(0.01);
  dsId = await freshDataSource();
  const users = {
    admin: await signedInUser("admin"),
    developer: await signedInUser("developer"),
    analyst: await signedInUser("analyst"),
    viewer: await signedInUser("viewer"),
    outsider: await signedInUser("analyst"),
  };
  adminId = users.admin.user.id;
  await grant(users.viewer.user.id, dsId, { canRead: true });
  await grant(users.analyst.user.id, dsId, { canRead: true });
  await grant(users.developer.user.id, dsId, { canRead: true, canWrite: true });
  for (const [who, u] of Object.entries(users)) tokens[who as Principal] = u.token;
  for (const who of SIGNED_IN) {
    if (who === "outsider") continue;
    ownRun[who] = (await rest("POST", "/queries", { token: tokens[who], body: { data_source_id: dsId, query_text: sql } })).body.id;
  }
  ownRun.outsider = ownRun.admin;
  adminRun = (await rest("POST", "/queries", { token: tokens.admin, body: { data_source_id: dsId, query_text: sql } })).body.id;
});

describe("workbench permission matrix", () => {
  it.each(rows.map((r) => [`${r.method} ${r.route}`, r] as const))("%s", async (_name, row) => {
    const anonymous = await row.call("anonymous");
    expect((await rest(row.method, anonymous.path, { body: anonymous.body })).status).toBe(401);
    for (const who of SIGNED_IN) {
      const call = await row.call(who);
      const status = (await rest(row.method, call.path, { token: tokens[who], body: call.body })).status;
      const expected = row.expected[who];
      expect(Array.isArray(expected) ? expected : [expected], `${who} ${row.method} ${call.path}`).toContain(status);
    }
  });

  it("covers every workbench route of routes.tsv", () => {
    const tsv = path.resolve(import.meta.dirname, "../../../../shared/api/routes.tsv");
    if (!existsSync(tsv)) return expect(process.env.CI).toBeFalsy();
    const workbench = readFileSync(tsv, "utf8").trim().split("\n").slice(1)
      .map((l) => l.split("\t"))
      .filter(([, method, , area]) => area === "workbench" && method !== "WS")
      .map(([, method, p]) => anyParam(`${method} ${normalizePath(p!).replace(/^\/api\/v1/, "")}`));
    const covered = new Set(rows.map((r) => anyParam(`${r.method} ${r.route}`)));
    expect([...new Set(workbench)].filter((k) => !covered.has(k))).toEqual([]);
  });
});
