import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dataSourceRow, updateDataSource } from "@/server/services/datasources/crud";
import { toSessionUser } from "@/server/services/auth/session";
import { createUser } from "@/server/services/auth/users";
import { userPrincipal } from "@/server/services/principal";
import { sqliteDataSource } from "@/test/fixtures";
import { closeAllConnections, connectorFor, evictDataSourceConnector } from "./connection";

let id = "";

/** Pools of a data source outlive neither an eviction nor an edit of its connection settings, and survive the rest. */
describe("connectorFor", () => {
  beforeAll(async () => {
    id = (await sqliteDataSource("CREATE TABLE t (x INTEGER)", "conn")).id;
  });
  afterAll(() => closeAllConnections());

  it("hands out a working connector for a row read before the pool was evicted", async () => {
    const row = (await dataSourceRow(id))!;
    expect((await connectorFor(row).testConnection()).ok).toBe(true);
    await evictDataSourceConnector(id);
    const after = await connectorFor(row).testConnection();
    expect(after.ok, after.message).toBe(true);
  });

  it("keeps the pool when an edit touches no connection setting", async () => {
    const admin = await createUser({ email: `conn-${Date.now()}@example.test`, password: "correct-horse-9", role: "admin" });
    const before = connectorFor((await dataSourceRow(id))!);
    await updateDataSource(userPrincipal(toSessionUser(admin)), id, { description: "edited" });
    const row = (await dataSourceRow(id))!;
    expect(row.description).toBe("edited");
    expect(connectorFor(row)).toBe(before);
    expect((await before.testConnection()).ok).toBe(true);
  });
});
