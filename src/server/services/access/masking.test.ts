import { describe, expect, it } from "vitest";
import { isPiiColumnName, maskedColumns, maskRows, maskValue } from "./masking";

describe("column masking", () => {
  it("recognises personal columns by name, not lookalikes", () => {
    for (const n of ["email", "customer_email", "phone", "ssn", "date_of_birth", "password_hash", "ship_address"]) expect(isPiiColumnName(n), n).toBe(true);
    for (const n of ["id", "emailed_at_count", "status", "amount", "telephone_count"]) expect(isPiiColumnName(n), n).toBe(false);
  });

  it("masks only for callers who may not write", () => {
    const cols = [{ name: "id" }, { name: "email" }];
    expect(maskedColumns(cols, { canRead: true, canWrite: true, canApprove: false })).toBeNull();
    const masked = maskedColumns(cols, { canRead: true, canWrite: false, canApprove: false });
    expect([...masked!]).toEqual(["email"]);
    expect(maskRows([{ id: 1, email: "jane@example.com" }], masked)).toEqual([{ id: 1, email: "j***@example.com" }]);
  });

  it("keeps nulls and hides short values entirely", () => {
    expect(maskValue(null)).toBeNull();
    expect(maskValue("1234")).toBe("****");
    expect(maskValue("+1 555 0100")).toBe("****00");
  });
});
