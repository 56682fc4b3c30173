import { randomUUID } from "node:crypto";
import { parse } from "csv-parse/sync";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/server/db";
import { userPrincipal } from "@/server/services/principal";
import { testAdmin } from "@/test/principals";
import { displayName } from "./enrich";
import { exportAudit } from "./export";
import { queryAudit } from "./query";

/** Each test's entries carry an action of their own, so other files' entries never mix in. */
let user: { id: string };
let runId: string;
const tag = randomUUID().slice(0, 8);
const action = `probe_${tag}`;

beforeAll(async () => {
  user = await db.user.create({
    data: { email: `ann-${tag}@example.test`, username: `ann_${tag}`, fullName: "Ann Auditor", passwordHash: "x", role: "analyst" },
  });
  runId = (await db.queryRun.create({ data: { userId: user.id, sql: "SELECT 42 AS answer", kind: "read", status: "completed" } })).id;
  const at = (iso: string) => new Date(iso);
  await db.auditEntry.createMany({
    data: [
      { action, resourceType: "query", resourceId: runId, userId: user.id, actor: `ann-${tag}@example.test`, outcome: "success", createdAt: at("2031-03-01T10:00:00Z") },
      { action, resourceType: "approval", details: JSON.stringify({ sql: "=HYPERLINK(1)" }), userId: user.id, actor: "old label", outcome: "failure", createdAt: at("2031-03-02T10:00:00Z") },
      { action, resourceType: "system", actor: "job label", outcome: "success", createdAt: at("2031-03-05T10:00:00Z") },
    ],
  });
});

describe("audit views", () => {
  it("name the actor, carry the run's or the entry's SQL and the outcome", async () => {
    const { items } = await queryAudit(testAdmin, { page: 1, pageSize: 10, action });
    expect(items.map((e) => [e.actorName, e.sql, e.outcome])).toEqual([
      ["job label", null, "success"],
      ["Ann Auditor", "=HYPERLINK(1)", "failure"],
      ["Ann Auditor", "SELECT 42 AS answer", "success"],
    ]);
  });

  it("falls back from full name to username to the stored label", () => {
    expect(displayName({ fullName: " ", username: "ann", email: "a@x" }, "label")).toBe("ann");
    expect(displayName(undefined, "label")).toBe("label");
  });
});

describe("exportAudit", () => {
  it("writes the filtered entries as CSV, formulas neutralised", async () => {
    const file = await exportAudit(testAdmin, { action, dateFrom: "2031-03-01", dateTo: "2031-03-02" }, "csv");
    expect(file).toMatchObject({ contentType: "text/csv; charset=utf-8", count: 2 });
    expect(file.filename).toMatch(/^audit-.*\.csv$/);
    const rows = parse(file.body, { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => [r.timestamp, r.actor_name, r.action, r.outcome, r.sql])).toEqual([
      ["2031-03-02T10:00:00.000Z", "Ann Auditor", action, "failure", "'=HYPERLINK(1)"],
      ["2031-03-01T10:00:00.000Z", "Ann Auditor", action, "success", "SELECT 42 AS answer"],
    ]);
  });

  it("writes JSON, filtered by user, and audits the export", async () => {
    // A stored admin: the entry recording the export names its user.
    const stored = await db.user.create({ data: { email: `root-${tag}@example.test`, username: `root_${tag}`, passwordHash: "x", role: "admin" } });
    const admin = userPrincipal({ ...stored, role: "admin" }, "127.0.0.1");
    const file = await exportAudit(admin, { action, userId: user.id, outcome: "failure" }, "json");
    const entries = JSON.parse(file.body) as { actor_name: string; sql: string; user_id: string }[];
    expect(entries).toEqual([expect.objectContaining({ actor_name: "Ann Auditor", sql: "=HYPERLINK(1)", user_id: user.id })]);
    const logged = await db.auditEntry.findMany({ where: { action: "export_audit", userId: stored.id } });
    expect(logged.map((e) => JSON.parse(e.details))).toEqual([{ format: "json", count: 1, filter: { action, userId: user.id, outcome: "failure" } }]);
  });

  it("is for admins only", async () => {
    const analyst = userPrincipal({ id: user.id, email: "a@x", username: "a", fullName: "A", role: "analyst" }, "127.0.0.1");
    await expect(exportAudit(analyst, { action }, "csv")).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});
