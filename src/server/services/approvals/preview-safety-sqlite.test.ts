import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { db } from "@/server/db";
import { grant } from "@/test/fixtures";
import { rest } from "@/test/rest-client";
import {
  approvalCount,
  approvalPeople,
  approve,
  approveUnpreviewable,
  commit,
  fileRequest,
  statusOf,
  submitSql,
  trpcAs,
} from "@/test/approval-safety";

/**
 * "Nothing reaches the target database before its commit" on SQLite: who may preview,
 * what is never dry-run, and what commit checks again. Every test reads the target
 * file directly to prove what did (not) run.
 */
const dir = mkdtempSync(path.join(tmpdir(), "quarry-preview-safety-"));
const file = path.join(dir, "bank.sqlite");
const otherFile = path.join(dir, "other.sqlite");
let dataSourceId = "";
let otherDataSourceId = "";
let people: Awaited<ReturnType<typeof approvalPeople>>;

const SCHEMA = `
  CREATE TABLE accounts (id INTEGER PRIMARY KEY, owner TEXT NOT NULL, balance INTEGER NOT NULL);
  CREATE TABLE audit (id INTEGER PRIMARY KEY AUTOINCREMENT, note TEXT);
  CREATE TABLE watched (id INTEGER PRIMARY KEY, v INTEGER NOT NULL);
  CREATE TRIGGER watched_audit AFTER UPDATE ON watched BEGIN INSERT INTO audit (note) VALUES ('watched ' || NEW.id); END;
  CREATE TABLE parent (id INTEGER PRIMARY KEY);
  CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent(id) ON DELETE CASCADE);
  CREATE TRIGGER child_audit AFTER DELETE ON child BEGIN INSERT INTO audit (note) VALUES ('child ' || OLD.id); END;
  CREATE VIEW rich AS SELECT * FROM accounts WHERE balance > 100;
`;

function reset(target: string) {
  const s = new Database(target);
  s.exec("DROP VIEW IF EXISTS rich; DROP TABLE IF EXISTS child; DROP TABLE IF EXISTS parent; DROP TABLE IF EXISTS watched; DROP TABLE IF EXISTS audit; DROP TABLE IF EXISTS accounts;");
  s.exec(SCHEMA);
  const insert = s.prepare("INSERT INTO accounts VALUES (?, ?, 100)");
  for (let i = 1; i <= 5; i++) insert.run(i, `owner${i}`);
  s.exec("INSERT INTO watched VALUES (1, 1), (2, 2); INSERT INTO parent VALUES (1); INSERT INTO child VALUES (1, 1);");
  s.close();
}

function read<T>(sql: string): T[] {
  const s = new Database(file, { readonly: true });
  try {
    return s.prepare(sql).all() as T[];
  } finally {
    s.close();
  }
}
const balances = () => read<{ balance: number }>("SELECT balance FROM accounts ORDER BY id").map((r) => r.balance);
const auditRows = () => read<{ note: string }>("SELECT note FROM audit ORDER BY id").map((r) => r.note);

beforeAll(async () => {
  reset(file);
  reset(otherFile);
  dataSourceId = (await db.dataSource.create({ data: { name: "preview-safety", engine: "sqlite", database: file } })).id;
  otherDataSourceId = (await db.dataSource.create({ data: { name: "preview-safety-other", engine: "sqlite", database: otherFile } })).id;
});

beforeEach(async () => {
  reset(file);
  people = await approvalPeople(dataSourceId);
});

describe("who may preview", () => {
  it("the requester gets 403 from approvals.preview, even when they may also approve, and nothing runs", async () => {
    const before = balances();
    const mine = await fileRequest(people.requester, dataSourceId, "UPDATE accounts SET balance = 0 WHERE id = 1");
    await expect((await trpcAs(people.requester)).approvals.preview({ id: mine })).rejects.toMatchObject({ code: "FORBIDDEN" });
    const own = await fileRequest(people.both, dataSourceId, "UPDATE accounts SET balance = 0 WHERE id = 2");
    await expect((await trpcAs(people.both)).approvals.preview({ id: own })).rejects.toMatchObject({ code: "FORBIDDEN" });
    // A stranger without can_approve does not even see the request.
    await expect((await trpcAs(people.reader)).approvals.preview({ id: mine })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(balances()).toEqual(before);
    expect((await db.approvalRequest.findUniqueOrThrow({ where: { id: mine } })).preview).toBeNull();
    // An approver may.
    const previewed = await (await trpcAs(people.approver)).approvals.preview({ id: mine });
    expect(previewed.preview?.affectedRows).toBe(1);
    expect(balances()).toEqual(before);
  });

  it("REST routes that preview refuse the requester (403): self-review, and a commit that would need a dry run first", async () => {
    const before = balances();
    const id = await fileRequest(people.both, dataSourceId, "UPDATE accounts SET balance = balance + 5 WHERE id = 3");
    const self = await rest("POST", `/approvals/${id}/review`, { token: people.both.token, body: { decision: "approved" } });
    expect(self.status).toBe(403);
    expect((await approve(people.approver, id)).body.approval.preview.affected_rows).toBe(1);
    // Pretend the approval's preview failed: the requester may not produce one by committing.
    await db.approvalRequest.update({ where: { id }, data: { preview: null, previewedAt: null } });
    const refused = await commit(people.both, id);
    expect(refused.status).toBe(403);
    expect(refused.body.error).toBeTruthy();
    expect(balances()).toEqual(before);
    expect(await statusOf(id)).toBe("approved");
    expect((await commit(people.approver, id)).status).toBe(200);
    expect(balances()[2]).toBe(before[2]! + 5);
  });
});

describe("what is never dry-run", () => {
  it("an UPDATE of a table with a trigger is not previewed: approving runs nothing, commit runs it once", async () => {
    const { id, view } = await approveUnpreviewable(people.requester, people.approver, dataSourceId, "UPDATE watched SET v = v + 10 WHERE id = 1", /trigger/);
    expect(view.preview_unavailable_reason).toMatch(/watched_audit/);
    expect(auditRows()).toEqual([]);
    expect(read<{ v: number }>("SELECT v FROM watched WHERE id = 1")[0]!.v).toBe(1);
    // Asking for a preview explicitly does not run it either.
    const again = await (await trpcAs(people.approver)).approvals.preview({ id });
    expect(again.preview).toBeNull();
    expect(again.previewUnavailableReason).toMatch(/trigger/);
    expect(auditRows()).toEqual([]);
    const done = await commit(people.approver, id);
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(auditRows()).toEqual(["watched 1"]);
    expect(read<{ v: number }>("SELECT v FROM watched WHERE id = 1")[0]!.v).toBe(11);
  });

  it("a DELETE whose cascade reaches a table with a trigger is not previewed", async () => {
    await approveUnpreviewable(people.requester, people.approver, dataSourceId, "DELETE FROM parent WHERE id = 1", /child.*trigger/);
    expect(auditRows()).toEqual([]);
    expect(read("SELECT * FROM child")).toHaveLength(1);
  });

  it("writes through a view, calls to unknown functions and unparsed statements are not previewed", async () => {
    for (const [sql, why] of [
      ["UPDATE rich SET balance = 0 WHERE id = 1", /view/],
      ["UPDATE accounts SET owner = hex(randomblob(4)) WHERE id = 1", /randomblob/],
      ["UPDATE accounts SET balance = 0 WHERE id IN (SELECT id FROM rich)", /view/],
    ] as const) {
      await approveUnpreviewable(people.requester, people.approver, dataSourceId, sql, why);
    }
    expect(balances()).toEqual([100, 100, 100, 100, 100]);
  });

  it("a high-risk request that cannot be previewed needs two approvals where the data source asks for them", async () => {
    await db.dataSource.update({ where: { id: dataSourceId }, data: { twoApprovalsForHighRisk: true } });
    try {
      const second = (await approvalPeople(dataSourceId)).approver;
      const id = await fileRequest(people.requester, dataSourceId, "UPDATE watched SET v = 0 WHERE id = 2");
      const first = await approve(people.approver, id);
      expect(first.body.status).toBe("pending");
      expect(first.body.approval.required_approvals).toBe(2);
      expect((await commit(people.approver, id)).status).toBe(409);
      expect((await approve(second, id)).body.status).toBe("approved");
      expect(auditRows()).toEqual([]);
      expect((await commit(second, id)).status).toBe(200);
      expect(auditRows()).toEqual(["watched 2"]);
    } finally {
      await db.dataSource.update({ where: { id: dataSourceId }, data: { twoApprovalsForHighRisk: false } });
    }
  });
});

describe("commit re-enters the gateway", () => {
  it("a grant removed after approval stops the commit (403) and the request stays approved", async () => {
    const before = balances();
    const id = await fileRequest(people.requester, dataSourceId, "UPDATE accounts SET balance = 1 WHERE id = 4");
    expect((await approve(people.approver, id)).body.status).toBe("approved");
    await db.dataSourcePermission.updateMany({ where: { groupId: people.requesterGroup }, data: { canWrite: false } });
    for (const who of [people.approver, people.requester]) {
      const res = await commit(who, id);
      expect(res.status, JSON.stringify(res.body)).toBe(403);
    }
    expect(balances()).toEqual(before);
    expect(await statusOf(id)).toBe("approved");
    // The approver's own grant is checked too.
    await db.dataSourcePermission.updateMany({ where: { groupId: people.requesterGroup }, data: { canWrite: true } });
    await db.user.update({ where: { id: people.requester.user.id }, data: { isActive: false } });
    expect((await commit(people.approver, id)).status).toBe(403);
    expect(balances()).toEqual(before);
  });

  it("a statement or data source changed in the app database after approval is refused", async () => {
    const before = balances();
    const tampered = await fileRequest(people.requester, dataSourceId, "UPDATE accounts SET balance = 2 WHERE id = 5");
    await approve(people.approver, tampered);
    await db.approvalRequest.update({ where: { id: tampered }, data: { sql: "DELETE FROM accounts" } });
    const res = await commit(people.approver, tampered);
    expect(res.status).toBe(409);
    expect(res.body.error ?? res.body.detail).toBeTruthy();

    const twoStatements = await fileRequest(people.requester, dataSourceId, "UPDATE accounts SET balance = 3 WHERE id = 5");
    await approve(people.approver, twoStatements);
    await db.approvalRequest.update({ where: { id: twoStatements }, data: { sql: "UPDATE accounts SET balance = 3 WHERE id = 5; DELETE FROM accounts" } });
    expect([403, 409]).toContain((await commit(people.approver, twoStatements)).status);

    const moved = await fileRequest(people.requester, dataSourceId, "UPDATE accounts SET balance = 4 WHERE id = 5");
    await approve(people.approver, moved);
    await grant(people.requester.user.id, otherDataSourceId, { canWrite: true });
    await grant(people.approver.user.id, otherDataSourceId, { canApprove: true });
    await db.approvalRequest.update({ where: { id: moved }, data: { dataSourceId: otherDataSourceId } });
    expect((await commit(people.approver, moved)).status).toBe(409);

    const reclassified = await fileRequest(people.requester, dataSourceId, "UPDATE accounts SET balance = 5 WHERE id = 5");
    await approve(people.approver, reclassified);
    await db.approvalRequest.update({ where: { id: reclassified }, data: { kind: "read", operation: "SELECT" } });
    expect((await commit(people.approver, reclassified)).status).toBe(409);

    expect(balances()).toEqual(before);
    const other = new Database(otherFile, { readonly: true });
    expect((other.prepare("SELECT balance FROM accounts WHERE id = 5").get() as { balance: number }).balance).toBe(100);
    other.close();
  });

  it("refuses a commit whose affected row count differs from the preview (drift guard), and rolls it back", async () => {
    const before = balances();
    const id = await fileRequest(people.requester, dataSourceId, "UPDATE accounts SET balance = balance + 7 WHERE owner LIKE 'owner%' AND id <= 2");
    expect((await approve(people.approver, id)).body.approval.preview.affected_rows).toBe(2);
    // The data moves under the approved request: a third row now matches.
    const s = new Database(file);
    s.exec("UPDATE accounts SET id = 0 WHERE id = 3");
    s.close();
    const drifted = balances();
    const res = await commit(people.approver, id);
    expect(res.status, JSON.stringify(res.body)).toBe(409);
    expect(JSON.stringify(res.body)).toMatch(/would now change 3 rows/);
    expect(balances()).toEqual(drifted);
    expect(drifted.reduce((a, b) => a + b, 0)).toBe(before.reduce((a, b) => a + b, 0));
  });

  it("refuses multi-statement input outright (one statement per request): nothing is filed and nothing runs", async () => {
    const before = balances();
    const count = await approvalCount(dataSourceId);
    for (const sql of [
      "UPDATE accounts SET balance = 0 WHERE id = 1; DELETE FROM accounts",
      "DELETE FROM accounts WHERE id = 2;\nUPDATE accounts SET balance = 0",
      "UPDATE accounts SET owner = 'a;b' WHERE id = 1; SELECT 1",
    ]) {
      for (const who of [people.requester, people.both]) {
        const res = await submitSql(who, dataSourceId, sql);
        expect(res.status, `${sql} → ${JSON.stringify(res.body)}`).toBe(403);
        expect(JSON.stringify(res.body)).toMatch(/one statement at a time/);
      }
    }
    expect(await approvalCount(dataSourceId)).toBe(count);
    expect(balances()).toEqual(before);
  });
});
