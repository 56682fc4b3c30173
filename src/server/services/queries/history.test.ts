import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/server/db";
import { flushAudit } from "@/server/services/audit";
import { toSessionUser } from "@/server/services/auth/session";
import { createUser } from "@/server/services/auth/users";
import { sample } from "@/server/services/dictionary/auto-guess";
import { execution } from "@/server/services/execution";
import { userPrincipal, type Principal } from "@/server/services/principal";
import { grant, sqliteDataSource } from "@/test/fixtures";
import { listHistory } from "./history";

let principal: Principal;
let dataSourceId = "";

beforeAll(async () => {
  dataSourceId = (await sqliteDataSource("CREATE TABLE fruit (name TEXT); INSERT INTO fruit VALUES ('apple'), ('pear');", "history")).id;
  const u = await createUser({ email: `history-${Date.now()}@example.test`, password: "correct-horse-9", role: "analyst" });
  await grant(u.id, dataSourceId, { canRead: true });
  principal = userPrincipal(toSessionUser(u));
});

describe("query history", () => {
  it("lists what the user ran, not the value samples Quarry read for them (which stay audited)", async () => {
    const mine = await execution.read(principal, { dataSourceId, sql: "SELECT name FROM fruit ORDER BY name" }, { source: "editor" });
    expect(mine.type).toBe("result");
    expect(await sample(principal, dataSourceId, "SELECT DISTINCT name FROM fruit LIMIT 20", 20)).toHaveLength(2);
    const history = await listHistory(principal, { page: 1, pageSize: 50 });
    expect(history.total).toBe(1);
    expect(history.items.map((r) => r.sql)).toEqual(["SELECT name FROM fruit ORDER BY name"]);
    await flushAudit(); // reads' audit entries are written in batches
    const audited = await db.auditEntry.findMany({ where: { principalId: (principal as { user: { id: string } }).user.id, action: "execute_query" } });
    expect(audited.length).toBe(2);
  });
});
