import { describe, expect, it } from "vitest";
import { db } from "@/server/db";
import { AppError } from "@/server/errors";
import { toSessionUser } from "@/server/services/auth/session";
import { createUser } from "@/server/services/auth/users";
import { deleteUser, updateUser } from "./manage";
import { userPrincipal } from "@/server/services/principal";

const admin = (n: string) => createUser({ email: `${n}-${Date.now()}@example.test`, password: "long-enough-1", role: "admin" });

describe("keeping an active admin under concurrency", () => {
  it("lets only one of two admins demoting each other at once succeed", async () => {
    await db.user.updateMany({ where: { role: "admin" }, data: { isActive: false } });
    const [a, b] = await Promise.all([admin("a"), admin("b")]);
    const results = await Promise.allSettled([
      updateUser(userPrincipal(toSessionUser(a)), b.id, { role: "analyst" }),
      updateUser(userPrincipal(toSessionUser(b)), a.id, { role: "analyst" }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const [rejected] = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(rejected!.reason).toBeInstanceOf(AppError);
    expect((rejected!.reason as AppError).code).toBe("CONFLICT");
    expect(await db.user.count({ where: { role: "admin", isActive: true } })).toBe(1);
  });

  it("lets only one of two admins deleting each other at once succeed", async () => {
    await db.user.updateMany({ where: { role: "admin" }, data: { isActive: false } });
    const [a, b] = await Promise.all([admin("c"), admin("d")]);
    const results = await Promise.allSettled([
      deleteUser(userPrincipal(toSessionUser(a)), b.id),
      deleteUser(userPrincipal(toSessionUser(b)), a.id),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(await db.user.count({ where: { role: "admin", isActive: true } })).toBe(1);
  });
});
