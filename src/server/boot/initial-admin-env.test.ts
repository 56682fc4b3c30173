import { describe, expect, it } from "vitest";
import { resetConfigForTests } from "../config";
import { authenticate } from "../services/auth/account";
import { ensureInitialAdmin } from "./initial-admin";

describe("first start with QUARRY_ADMIN_EMAIL/PASSWORD", () => {
  it("creates that admin and does not print the password", async () => {
    process.env.QUARRY_ADMIN_EMAIL = "Owner@Example.test";
    process.env.QUARRY_ADMIN_PASSWORD = "configured-pass-1";
    resetConfigForTests();
    const lines: string[] = [];
    await ensureInitialAdmin((l) => lines.push(l));
    expect(lines.join("\n")).not.toContain("configured-pass-1");
    await expect(authenticate("owner@example.test", "configured-pass-1", {})).resolves.toMatchObject({ role: "admin" });
  });
});
