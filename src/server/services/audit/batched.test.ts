import { describe, expect, it } from "vitest";
import { db } from "@/server/db";
import { createUser } from "@/server/services/auth/users";
import { adminStats } from "@/server/services/users/stats";
import { flushAudit, recordAuditLater } from "./index";
import type { AuditAction } from "@/server/events/audit-actions";
import { queryAudit } from "./query";
import { testAdmin } from "@/test/principals";

/** Entries written off the response path (recordAuditLater) are never missing from a read of the trail. */
// A unique (so uncatalogued) action per test keeps the files' trails apart; the store takes any string.
const action = () => `batched_${Math.random().toString(36).slice(2)}` as AuditAction;

describe("batched audit entries", () => {
  it("are in the trail as soon as anyone reads it, in the order they happened", async () => {
    const name = action();
    for (let i = 0; i < 5; i++) {
      recordAuditLater({ label: "reader@example.test" }, { action: name, resourceType: "query", resourceId: `run-${i}` });
    }
    // Not awaited by the writer; the read itself must see them.
    const { items, total } = await queryAudit(testAdmin, { page: 1, pageSize: 50, action: name });
    expect(total).toBe(5);
    expect(items.map((e) => e.resourceId).sort()).toEqual(["run-0", "run-1", "run-2", "run-3", "run-4"]);
  });

  it("are written within moments without anyone reading", async () => {
    const name = action();
    recordAuditLater({ label: "reader@example.test" }, { action: name, resourceType: "query" });
    await new Promise((r) => setTimeout(r, 300));
    expect(await db.auditEntry.count({ where: { action: name } })).toBe(1);
  });

  it("keep the time they happened, not the time they were written", async () => {
    const name = action();
    const before = Date.now();
    recordAuditLater({ label: "reader@example.test" }, { action: name, resourceType: "query" });
    await new Promise((r) => setTimeout(r, 120));
    await flushAudit();
    const entry = await db.auditEntry.findFirstOrThrow({ where: { action: name } });
    expect(entry.createdAt.getTime()).toBeGreaterThanOrEqual(before);
    expect(entry.createdAt.getTime()).toBeLessThan(before + 100);
  });

  it("one entry that cannot be stored as is does not cost the rest of its batch", async () => {
    const name = action();
    const gone = await createUser({ email: `gone-${name}@example.test`, password: "s3cret-pass", role: "viewer" });
    await db.user.delete({ where: { id: gone.id } });
    recordAuditLater({ userId: "not-a-user", label: "ghost@example.test" }, { action: name, resourceType: "query", resourceId: "a" });
    recordAuditLater({ userId: gone.id, label: gone.email }, { action: name, resourceType: "query", resourceId: "b" });
    recordAuditLater({ label: "reader@example.test" }, { action: name, resourceType: "query", resourceId: "c" });
    await flushAudit();
    const stored = await db.auditEntry.findMany({ where: { action: name }, orderBy: { resourceId: "asc" } });
    expect(stored.map((e) => [e.resourceId, e.actor])).toEqual([
      ["a", "ghost@example.test"],
      ["b", gone.email],
      ["c", "reader@example.test"],
    ]);
  });

  it("are counted by the admin statistics, which read the trail too", async () => {
    recordAuditLater({ label: "x@example.test" }, { action: "login", resourceType: "user" });
    await expect(adminStats(testAdmin)).resolves.toBeTruthy();
    expect(await db.auditEntry.count({ where: { action: "login", actor: "x@example.test" } })).toBe(1);
  });
});
