import { describe, expect, it } from "vitest";
import { createUser } from "@/server/services/auth/users";
import { testAdmin } from "@/test/principals";
import { listUsers } from "./query";

/** Search boxes ignore case on both app databases (this suite also runs on PostgreSQL). */
describe("listUsers search", () => {
  it("finds people by any part of their name, username or email, whatever the case", async () => {
    const tag = Math.random().toString(36).slice(2, 8);
    const user = await createUser({ email: `Grace.Hopper.${tag}@Example.test`, username: `ghopper_${tag}`, fullName: `Grace Hopper ${tag}`, password: "correct-horse-9", role: "analyst" });
    for (const search of [`HOPPER ${tag.toUpperCase()}`, `grace hopper ${tag}`, `GHOPPER_${tag.toUpperCase()}`, `grace.hopper.${tag}@example`]) {
      const found = await listUsers(testAdmin, { page: 1, pageSize: 20, search });
      expect(found.items.map((u) => u.id), search).toEqual([user.id]);
    }
    expect((await listUsers(testAdmin, { page: 1, pageSize: 20, search: `hopper-${tag}` })).total).toBe(0);
  });
});
