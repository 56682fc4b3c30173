import { describe, expect, it } from "vitest";
import { guessColumn } from "./guess";

const tagsOf = (...args: Parameters<typeof guessColumn>) => (guessColumn(...args).find((p) => p.field === "tags")?.value ?? []) as string[];
const col = (name: string, samples: string[], over: Partial<Parameters<typeof guessColumn>[0]> = {}) => ({ table: "things", name, type: "TEXT", primaryKey: false, samples, ...over });

describe("guessColumn", () => {
  it("finds personal data in values, whatever the column is called", () => {
    expect(tagsOf(col("contact", ["ana@example.com", "ben@mail.test", "c@d.io"]))).toContain("PII");
    expect(tagsOf(col("reach", ["+14155552671", "+442071838750", "+6281234567890"]))).toContain("PII");
    expect(tagsOf(col("acct", ["DE89370400440532013000", "GB82WEST12345698765432"]))).toContain("PII");
  });
  it("needs a card context and a Luhn-valid number for cards", () => {
    expect(tagsOf(col("card_number", ["4111111111111111", "5500005555555559"]))).toContain("PII");
    const notLuhn = guessColumn(col("card_number", ["4111111111111112", "1234567890123456"])).find((p) => p.field === "tags");
    expect(notLuhn?.reason ?? "").not.toMatch(/Luhn/);
  });
  it("does not call categories or amounts personal", () => {
    expect(tagsOf(col("status", ["open", "closed", "open", "open"], { distinct: 2 }))).toEqual(["dimension"]);
    expect(tagsOf(col("total_amount", ["12.50", "99.00"], { type: "REAL" }))).toEqual(["measure"]);
  });
  it("tags keys and times with high confidence", () => {
    expect(tagsOf(col("id", ["1", "2"], { type: "INTEGER", primaryKey: true }))).toEqual(expect.arrayContaining(["PK", "id"]));
    expect(tagsOf(col("created_at", ["2024-01-02 10:00:00", "2024-03-04 11:00:00"]))).toContain("time");
    const names = tagsOf(col("first_name", ["Ana", "Ben"], { table: "customers" }));
    expect(names).toContain("PII");
  });
});
