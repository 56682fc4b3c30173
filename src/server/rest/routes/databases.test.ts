import { beforeAll, describe, expect, it } from "vitest";
import { rest, signedInUser } from "@/test/rest-client";
import { makeDataSource } from "./governance/testing";

/**
 * GET /databases/:id carries the cached schema. Services are called directly now, so
 * the DTO mapper, not an output schema, decides what leaves: view definitions,
 * referenced schemas and the function list (masking lineage's inputs) stay server-side.
 */
let admin: Awaited<ReturnType<typeof signedInUser>>;
beforeAll(async () => {
  admin = await signedInUser("admin");
});

const snapshot = {
  tables: [
    {
      schema: "main",
      name: "orders",
      type: "table",
      columns: [
        { name: "id", type: "INTEGER", nullable: false, primaryKey: true, default: null },
        { name: "customer_id", type: "INTEGER", nullable: true, primaryKey: false },
      ],
      primaryKey: ["id"],
      foreignKeys: [{ columns: ["customer_id"], referencedSchema: "main", referencedTable: "customers", referencedColumns: ["id"] }],
      approxRowCount: 3,
    },
    {
      name: "big_orders",
      type: "view",
      columns: [{ name: "id", type: "INTEGER", nullable: true, primaryKey: false }],
      primaryKey: [],
      foreignKeys: [],
      approxRowCount: null,
      definition: "CREATE VIEW big_orders AS SELECT id FROM orders WHERE secret > 10",
    },
  ],
  functions: ["leak_everything"],
};

describe("GET /databases/:id", () => {
  it("answers the cached schema in the documented fields only", async () => {
    const ds = await makeDataSource({ schemaCache: JSON.stringify(snapshot) });
    const res = await rest("GET", `/databases/${ds.id}`, { token: admin.token });
    expect(res.status).toBe(200);
    expect(res.body.schema).toEqual({
      tables: [
        {
          schema: "main",
          name: "orders",
          type: "table",
          columns: [
            { name: "id", type: "INTEGER", nullable: false, primaryKey: true, default: null },
            { name: "customer_id", type: "INTEGER", nullable: true, primaryKey: false },
          ],
          primaryKey: ["id"],
          foreignKeys: [{ columns: ["customer_id"], referencedTable: "customers", referencedColumns: ["id"] }],
          approxRowCount: 3,
        },
        {
          name: "big_orders",
          type: "view",
          columns: [{ name: "id", type: "INTEGER", nullable: true, primaryKey: false }],
          primaryKey: [],
          foreignKeys: [],
          approxRowCount: null,
        },
      ],
    });
    expect(JSON.stringify(res.body)).not.toContain("secret");
    expect(JSON.stringify(res.body)).not.toContain("leak_everything");
  });

  it("answers schema null before the first sync", async () => {
    const ds = await makeDataSource();
    const res = await rest("GET", `/databases/${ds.id}`, { token: admin.token });
    expect(res.status).toBe(200);
    expect(res.body.schema).toBeNull();
  });
});
