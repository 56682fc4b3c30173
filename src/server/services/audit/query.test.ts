import { describe, expect, it } from "vitest";
import { db } from "@/server/db";
import { isDateBound, parseDateBound, queryAudit } from "./query";
import { testAdmin } from "@/test/principals";

describe("parseDateBound", () => {
  it("reads a bare date as the whole UTC day and a date-time as given", () => {
    expect(parseDateBound("2024-01-15", "from")?.toISOString()).toBe("2024-01-15T00:00:00.000Z");
    expect(parseDateBound("2024-01-15", "to")?.toISOString()).toBe("2024-01-15T23:59:59.999Z");
    expect(parseDateBound("2024-01-15T10:30:00+02:00", "to")?.toISOString()).toBe("2024-01-15T08:30:00.000Z");
  });

  it("rejects what is not a date", () => {
    expect(isDateBound("yesterday")).toBe(false);
    expect(isDateBound("")).toBe(false);
    expect(isDateBound("2024-13-45")).toBe(false);
    expect(isDateBound("2024-02-01")).toBe(true);
  });
});

describe("queryAudit", () => {
  it("parses stored details and survives a malformed one", async () => {
    await db.auditEntry.create({ data: { action: "odd", resourceType: "t", details: "{not json" } });
    await db.auditEntry.create({ data: { action: "odd", resourceType: "t", details: '{"k":1}' } });
    const { items, total } = await queryAudit(testAdmin, { page: 1, pageSize: 10, action: "odd" });
    expect(total).toBe(2);
    expect(items.map((i) => i.details)).toEqual(expect.arrayContaining([{}, { k: 1 }]));
  });
});
