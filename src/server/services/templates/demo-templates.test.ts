import { describe, expect, it } from "vitest";
import { db } from "@/server/db";
import { toSessionUser } from "@/server/services/auth/session";
import { createUser } from "@/server/services/auth/users";
import { userPrincipal } from "@/server/services/principal";
import { demoDatabaseFile, grant } from "@/test/fixtures";
import { cloneTemplate, deleteTemplate, listTemplates, runTemplate, updateTemplate } from "./index";
import { DEMO_TEMPLATES, ensureDemoTemplates } from "./demo";

describe("the demo's templates", () => {
  it("are added once, each runs on the demo retail database with its defaults, and only admins change them", async () => {
    expect(await ensureDemoTemplates()).toBe(DEMO_TEMPLATES.length);
    expect(await ensureDemoTemplates()).toBe(0);
    expect(DEMO_TEMPLATES.length).toBeGreaterThanOrEqual(12);

    const ds = await db.dataSource.create({ data: { name: `demo-tpl-${Date.now()}`, engine: "sqlite", database: demoDatabaseFile() } });
    const admin = userPrincipal(toSessionUser(await createUser({ email: `tpl-admin-${Date.now()}@example.test`, password: "correct-horse-9", role: "admin" })));
    const analyst = userPrincipal(toSessionUser(await createUser({ email: `tpl-an-${Date.now()}@example.test`, password: "correct-horse-9", role: "analyst" })));

    const { items, total, categories } = await listTemplates(admin, { page: 1, pageSize: 100 });
    expect(total).toBe(DEMO_TEMPLATES.length);
    expect(categories).toContain("sales");
    for (const t of items) {
      // The small test database has few products, none of them low on stock by default.
      const values = t.parameters.some((p) => p.name === "city") ? { city: "Berlin" } : t.parameters.some((p) => p.name === "threshold") ? { threshold: 10_000 } : {};
      const outcome = await runTemplate(admin, t.id, { dataSourceId: ds.id, values });
      expect(outcome.type, t.title).toBe("result");
      if (outcome.type === "result" && t.parameters.every((p) => p.name !== "city")) expect(outcome.result.rows.length, t.title).toBeGreaterThan(0);
    }

    const sales = await listTemplates(analyst, { page: 1, pageSize: 100, category: "Sales" });
    expect(sales.items.every((t) => t.category === "sales" && !t.canEdit)).toBe(true);
    const searched = await listTemplates(analyst, { page: 1, pageSize: 100, search: "stock" });
    expect(searched.items.map((t) => t.title)).toEqual(["Low-stock products"]);

    const first = items[0]!;
    await expect(updateTemplate(analyst, first.id, { title: "mine now" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(deleteTemplate(analyst, first.id)).rejects.toMatchObject({ code: "FORBIDDEN" });
    // Cloning onto a source the analyst cannot read is refused like saving a query there.
    await expect(cloneTemplate(analyst, first.id, { dataSourceId: ds.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    if (analyst.kind === "user") await grant(analyst.user.id, ds.id, { canRead: true });
    const clone = await cloneTemplate(analyst, first.id, { dataSourceId: ds.id });
    expect(clone.ownerId).toBe(analyst.kind === "user" ? analyst.user.id : "");
    expect(clone.sql).toBe(first.sql);
    expect(clone.tags).toContain("template");
    expect((await updateTemplate(admin, first.id, { title: "Renamed" })).title).toBe("Renamed");
  });
});
