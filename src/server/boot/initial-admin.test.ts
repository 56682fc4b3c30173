import { describe, expect, it } from "vitest";
import { resetConfigForTests } from "../config";
import { db } from "../db";
import { authenticate } from "../services/auth/account";
import { ensureInitialAdmin } from "./initial-admin";

describe("first start", () => {
  it("creates an admin with a random password printed once, and only once", async () => {
    delete process.env.QUARRY_ADMIN_EMAIL;
    delete process.env.QUARRY_ADMIN_PASSWORD;
    resetConfigForTests();
    const lines: string[] = [];
    await ensureInitialAdmin((l) => lines.push(l));
    const admin = await db.user.findUniqueOrThrow({ where: { email: "admin@quarry.local" } });
    expect(admin.role).toBe("admin");
    const password = /shown only this once; change it after signing in\): (\S+)/.exec(lines.join("\n"))?.[1];
    expect(password).toBeTruthy();
    expect(admin.passwordHash).not.toContain(password!);
    await expect(authenticate("admin@quarry.local", password!, {})).resolves.toMatchObject({ role: "admin" });

    const again: string[] = [];
    await ensureInitialAdmin((l) => again.push(l));
    expect(again).toEqual([]);
    expect(await db.user.count()).toBe(1);
  });
});
