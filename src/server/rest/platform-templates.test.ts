import Database from "better-sqlite3";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/server/db";
import { grant } from "@/test/fixtures";
import { rest, signedInUser } from "@/test/rest-client";

let dataSourceId = "";
let analyst: Awaited<ReturnType<typeof signedInUser>>;
let other: Awaited<ReturnType<typeof signedInUser>>;

beforeAll(async () => {
  const file = path.join(mkdtempSync(path.join(tmpdir(), "quarry-tpl-rest-")), "t.sqlite");
  const sqlite = new Database(file);
  sqlite.exec("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT, price REAL); INSERT INTO items VALUES (1, 'a', 5), (2, 'b', 15), (3, 'c', 25);");
  sqlite.close();
  dataSourceId = (await db.dataSource.create({ data: { name: `tpl-rest-${Date.now()}`, engine: "sqlite", database: file } })).id;
  analyst = await signedInUser("analyst");
  other = await signedInUser("analyst");
  await grant(analyst.user.id, dataSourceId, { canRead: true });
});

describe("REST /templates", () => {
  it("creates, lists by category and search, runs with bound parameters, clones, and lets only the owner change it", async () => {
    const created = await rest("POST", "/templates", {
      token: analyst.token,
      body: {
        title: "Items above a price",
        description: "cheap or dear",
        sql: "SELECT id, name FROM items WHERE price > {{min_price}} ORDER BY id",
        category: "Inventory",
        tags: ["Items"],
        parameters: [{ name: "min_price", type: "number", default: 10 }],
      },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ category: "inventory", tags: ["items"], parameters: [{ name: "min_price", type: "number", default: 10 }], can_edit: true });
    const id = created.body.id as string;

    const listed = await rest("GET", "/templates?category=inventory&search=price&limit=5", { token: other.token });
    expect(listed.status).toBe(200);
    expect(listed.body.templates.map((t: { id: string }) => t.id)).toContain(id);
    expect(listed.headers.get("X-Total-Count")).toBeTruthy();
    expect(listed.body.templates.find((t: { id: string }) => t.id === id).can_edit).toBe(false);

    const run = await rest("POST", `/templates/${id}/run`, { token: analyst.token, body: { database_id: dataSourceId } });
    expect(run.status).toBe(200);
    expect(run.body.results.map((r: { id: number }) => r.id)).toEqual([2, 3]);
    const run20 = await rest("POST", `/templates/${id}/run`, { token: analyst.token, body: { database_id: dataSourceId, parameters: { min_price: 20 } } });
    expect(run20.body.results.map((r: { id: number }) => r.id)).toEqual([3]);
    expect(run20.body.sql).toContain("?");
    const bad = await rest("POST", `/templates/${id}/run`, { token: analyst.token, body: { database_id: dataSourceId, parameters: { min_price: "lots" } } });
    expect(bad.status).toBe(422);
    expect(bad.body.error.code).toBeTruthy();
    const noAccess = await rest("POST", `/templates/${id}/run`, { token: other.token, body: { database_id: dataSourceId } });
    expect(noAccess.status).toBe(404);

    const forbidden = await rest("PUT", `/templates/${id}`, { token: other.token, body: { title: "taken" } });
    expect(forbidden.status).toBe(403);
    const updated = await rest("PUT", `/templates/${id}`, { token: analyst.token, body: { title: "Dear items" } });
    expect(updated.status).toBe(200);
    expect(updated.body.title).toBe("Dear items");

    const clone = await rest("POST", `/templates/${id}/clone`, { token: other.token });
    expect(clone.status).toBe(201);
    const saved = await rest("GET", `/saved-queries/${clone.body.id}`, { token: other.token });
    expect(saved.status).toBe(200);
    expect(saved.body.sql).toContain("{{min_price}}");

    expect((await rest("DELETE", `/templates/${id}`, { token: other.token })).status).toBe(403);
    expect((await rest("DELETE", `/templates/${id}`, { token: analyst.token })).status).toBe(200);
    expect((await rest("GET", `/templates/${id}`, { token: analyst.token })).status).toBe(404);
  });

  it("rejects a declared parameter the SQL does not use and a missing title with 422 and the fields", async () => {
    const res = await rest("POST", "/templates", {
      token: analyst.token,
      body: { title: "x", sql: "SELECT 1", parameters: [{ name: "ghost", type: "string" }] },
    });
    expect(res.status).toBe(422);
    expect(JSON.stringify(res.body)).toContain("parameters.ghost");
    const noTitle = await rest("POST", "/templates", { token: analyst.token, body: { sql: "SELECT 1" } });
    expect(noTitle.status).toBe(422);
    expect((await rest("GET", "/templates")).status).toBe(401);
  });
});
