import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/server/db";
import { queryAudit } from "@/server/services/audit/query";
import { demoDatabaseFile, grant } from "@/test/fixtures";
import { rest, signedInUser } from "@/test/rest-client";
import { testAdmin } from "@/test/principals";

/**
 * Statements the execution pipe refuses before any run record exists (functions that reach
 * outside the database, transaction control) still leave an audit entry: an attacker's
 * probing is visible in the trail, not only their successes.
 */
describe("gateway refusals are audited", () => {
  let dataSourceId = "";
  beforeAll(async () => {
    dataSourceId = (await db.dataSource.create({ data: { name: "retail-refusals", engine: "sqlite", database: demoDatabaseFile() } })).id;
  });

  const refused = [
    "SELECT load_extension('/tmp/evil.so')",
    "SELECT readfile('/etc/passwd')",
    "BEGIN",
    "SELECT writefile('/tmp/x', 'y')",
  ];

  it.each(refused)("%s is refused with 403 and recorded as a failed execute_query", async (sql) => {
    const reader = await signedInUser("viewer");
    await grant(reader.user.id, dataSourceId, { canRead: true });
    const res = await rest("POST", "/queries", { token: reader.token, body: { data_source_id: dataSourceId, query_text: sql } });
    expect(res.status).toBe(403);
    const { items } = await queryAudit(testAdmin, { page: 1, pageSize: 20, action: "execute_query", userId: reader.user.id });
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ outcome: "failure", resourceId: dataSourceId });
    expect(JSON.stringify(items[0]!.details)).toContain("refused");
  });

  it("a read that runs is audited once, as a success, and not as a refusal", async () => {
    const reader = await signedInUser("viewer");
    await grant(reader.user.id, dataSourceId, { canRead: true });
    const res = await rest("POST", "/queries", { token: reader.token, body: { data_source_id: dataSourceId, query_text: "SELECT count(*) AS n FROM orders" } });
    expect(res.status).toBe(200);
    const { items } = await queryAudit(testAdmin, { page: 1, pageSize: 20, action: "execute_query", userId: reader.user.id });
    expect(items.map((e) => e.outcome)).toEqual(["success"]);
  });
});
