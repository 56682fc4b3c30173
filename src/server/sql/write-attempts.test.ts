import { describe, expect, it } from "vitest";
import { analyzeSql } from "./index";
import { writeAttemptCorpus } from "./write-attempts.corpus";

describe("write attempts disguised as reads", () => {
  it("has at least 40 entries covering every dialect", () => {
    expect(writeAttemptCorpus.length).toBeGreaterThanOrEqual(40);
    for (const dialect of ["postgres", "mysql", "sqlite"] as const) {
      expect(writeAttemptCorpus.filter((a) => a.dialect === dialect).length).toBeGreaterThanOrEqual(15);
    }
  });

  it.each(writeAttemptCorpus.map((a) => [a.dialect, a.note, a.sql] as const))("%s: %s", (dialect, _note, sql) => {
    const result = analyzeSql(sql, dialect);
    if (!result.ok) throw new Error(`expected a classification, got: ${result.error.message}`);
    expect(result.kind).not.toBe("read");
    const flagged = result.statements.filter((s) => s.kind !== "read");
    expect(flagged.length).toBeGreaterThan(0);
    for (const statement of flagged) expect(statement.reasons.length).toBeGreaterThan(0);
  });
});
