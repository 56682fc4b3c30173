import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { db } from "@/server/db";
import { grant } from "@/test/fixtures";
import { rest, signedInUser } from "@/test/rest-client";

describe("high-risk requests on a data source that requires two approvals", () => {
  it("stay pending after one approval, are approved by a second approver, and low risk needs one", async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "quarry-two-")), "t.sqlite");
    const sqlite = new Database(file);
    sqlite.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER); INSERT INTO t VALUES (1, 1), (2, 2);");
    sqlite.close();
    const ds = await db.dataSource.create({ data: { name: "two", engine: "sqlite", database: file, twoApprovalsForHighRisk: true } });
    const requester = await signedInUser("analyst");
    const first = await signedInUser("developer");
    const second = await signedInUser("developer");
    await grant(requester.user.id, ds.id, { canWrite: true });
    for (const a of [first, second]) await grant(a.user.id, ds.id, { canApprove: true });

    const risky = (await rest("POST", "/queries", { token: requester.token, body: { data_source_id: ds.id, query_text: "DELETE FROM t" } })).body.approval_id;
    const afterFirst = await rest("POST", `/approvals/${risky}/review`, { token: first.token, body: { decision: "approved" } });
    expect(afterFirst.body.status).toBe("pending");
    expect(afterFirst.body.approval).toMatchObject({ risk_level: "high", required_approvals: 2, approvals_count: 1 });
    expect((await rest("POST", `/approvals/${risky}/review`, { token: first.token, body: { decision: "approved" } })).status).toBe(409);
    expect((await rest("POST", `/transactions/${risky}/commit`, { token: first.token })).status).toBe(409);
    const afterSecond = await rest("POST", `/approvals/${risky}/review`, { token: second.token, body: { decision: "approved" } });
    expect(afterSecond.body.status).toBe("approved");
    expect(afterSecond.body.approval.preview.affected_rows).toBe(2);

    const safe = (await rest("POST", "/queries", { token: requester.token, body: { data_source_id: ds.id, query_text: "UPDATE t SET v = 3 WHERE id = 1" } })).body.approval_id;
    const once = await rest("POST", `/approvals/${safe}/review`, { token: first.token, body: { decision: "approved" } });
    expect(once.body.status).toBe("approved");
  });
});
