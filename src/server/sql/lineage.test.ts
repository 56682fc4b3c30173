import { describe, expect, it } from "vitest";
import type { SchemaSnapshot, SchemaTable } from "../connectors/types";
import { analyzeSql } from "./analyze";
import { resolveLineage } from "./lineage";
import type { SqlDialect } from "./types";

const table = (name: string, columns: string[], schema?: string): SchemaTable => ({
  ...(schema ? { schema } : {}),
  name,
  type: "table",
  columns: columns.map((c) => ({ name: c, type: "text", nullable: true, primaryKey: c === "id" })),
  primaryKey: ["id"],
  foreignKeys: [],
  approxRowCount: null,
});

const schemaFor = (dialect: SqlDialect): SchemaSnapshot => {
  const s = dialect === "postgres" ? "public" : undefined;
  return {
    tables: [
      table("customers", ["id", "first_name", "email", "phone", "city"], s),
      table("orders", ["id", "customer_id", "total", "status"], s),
    ],
  };
};

/** Per output position, the sorted source columns as `table.column`, or the reason it is unresolved. */
function lineage(sql: string, dialect: SqlDialect): string[][] | string {
  const analysis = analyzeSql(sql, dialect);
  if (!analysis.ok) throw new Error(analysis.error.message);
  const result = resolveLineage(analysis.statements[0]!.ast, { dialect, schema: schemaFor(dialect), defaultSchema: dialect === "mysql" ? "shop" : undefined });
  if (!result.resolved) return `unresolved: ${result.reason}`;
  return result.outputs.map((o) => o.sources.map((s) => `${s.table}.${s.column}`).sort());
}

const EMAIL = ["customers.email"];
const dialects: SqlDialect[] = ["postgres", "mysql", "sqlite"];

describe.each(dialects)("column lineage on %s", (dialect) => {
  const q = (s: string) => (dialect === "mysql" ? s.replaceAll('"', "`") : s);

  it("follows aliases, expressions, concatenation and functions", () => {
    expect(lineage("SELECT email AS contact, id FROM customers", dialect)).toEqual([EMAIL, ["customers.id"]]);
    expect(lineage("SELECT lower(email), upper(trim(phone)) FROM customers", dialect)).toEqual([EMAIL, ["customers.phone"]]);
    expect(lineage("SELECT c.email AS x FROM customers c", dialect)).toEqual([EMAIL]);
    expect(lineage(q('SELECT "c"."email" FROM customers AS "c"'), dialect)).toEqual([EMAIL]);
    expect(lineage("SELECT substr(email, 1, 3) || '-' || city AS mix FROM customers", dialect)).toEqual([
      ["customers.city", "customers.email"],
    ]);
    expect(lineage("SELECT replace(email, '@', ' at ') FROM customers", dialect)).toEqual([EMAIL]);
  });

  it("follows aggregates but not counts", () => {
    expect(lineage("SELECT max(email), min(phone) FROM customers", dialect)).toEqual([EMAIL, ["customers.phone"]]);
    expect(lineage("SELECT count(email), count(DISTINCT email), count(*) FROM customers", dialect)).toEqual([[], [], []]);
    const concat =
      dialect === "postgres" ? "string_agg(email, ',')" : dialect === "mysql" ? "GROUP_CONCAT(email SEPARATOR ',')" : "group_concat(email, ',')";
    expect(lineage(`SELECT city, ${concat} AS emails FROM customers GROUP BY city`, dialect)).toEqual([["customers.city"], EMAIL]);
  });

  it("follows CASE, COALESCE and casts", () => {
    expect(lineage("SELECT CASE WHEN id > 1 THEN email ELSE 'none' END FROM customers", dialect)).toEqual([["customers.email", "customers.id"]]);
    expect(lineage("SELECT coalesce(phone, email, 'x') FROM customers", dialect)).toEqual([["customers.email", "customers.phone"]]);
    expect(lineage("SELECT CAST(phone AS CHAR(20)) FROM customers", dialect)).toEqual([["customers.phone"]]);
    if (dialect === "postgres") expect(lineage("SELECT phone::text, email::varchar FROM customers", dialect)).toEqual([["customers.phone"], EMAIL]);
  });

  it("follows JSON builders", () => {
    const builder = dialect === "postgres" ? "json_build_object('e', email)" : dialect === "mysql" ? "JSON_OBJECT('e', email)" : "json_object('e', email)";
    expect(lineage(`SELECT ${builder} FROM customers`, dialect)).toEqual([EMAIL]);
    const agg = dialect === "postgres" ? "jsonb_agg(phone)" : dialect === "mysql" ? "JSON_ARRAYAGG(phone)" : "json_group_array(phone)";
    expect(lineage(`SELECT ${agg} FROM customers`, dialect)).toEqual([["customers.phone"]]);
  });

  it("expands * and t.* in the schema's column order", () => {
    expect(lineage("SELECT * FROM customers", dialect)).toEqual([
      ["customers.id"], ["customers.first_name"], EMAIL, ["customers.phone"], ["customers.city"],
    ]);
    expect(lineage("SELECT o.id, c.* FROM orders o JOIN customers c ON c.id = o.customer_id", dialect)).toHaveLength(6);
    const both = lineage("SELECT * FROM orders o JOIN customers c ON c.id = o.customer_id", dialect) as string[][];
    expect(both).toHaveLength(9);
    expect(both[6]).toEqual(EMAIL);
  });

  it("follows sub-selects in the select list and FROM, correlated or not", () => {
    expect(lineage("SELECT o.id, (SELECT email FROM customers c WHERE c.id = o.customer_id) AS who FROM orders o", dialect)).toEqual([
      ["orders.id"],
      EMAIL,
    ]);
    expect(lineage("SELECT s.x FROM (SELECT email AS x FROM customers) s", dialect)).toEqual([EMAIL]);
    expect(lineage("SELECT * FROM (SELECT id, phone AS p FROM customers) AS s", dialect)).toEqual([["customers.id"], ["customers.phone"]]);
    expect(lineage("SELECT x FROM (SELECT y AS x FROM (SELECT lower(email) AS y FROM customers) a) b", dialect)).toEqual([EMAIL]);
    expect(lineage("SELECT (SELECT count(*) FROM orders) AS n FROM customers", dialect)).toEqual([[]]);
  });

  it("follows CTEs, recursive CTEs included", () => {
    expect(lineage("WITH e AS (SELECT email AS addr FROM customers) SELECT addr FROM e", dialect)).toEqual([EMAIL]);
    expect(lineage("WITH e(a, b) AS (SELECT id, phone FROM customers) SELECT b FROM e", dialect)).toEqual([["customers.phone"]]);
    expect(
      lineage(
        "WITH RECURSIVE r(n, v) AS (SELECT 1, city FROM customers UNION ALL SELECT n + 1, (SELECT email FROM customers LIMIT 1) FROM r WHERE n < 3) SELECT v FROM r",
        dialect,
      ),
    ).toEqual([["customers.city", "customers.email"]]);
  });

  it("unions the branches of UNION / INTERSECT / EXCEPT per position", () => {
    expect(lineage("SELECT id, city FROM customers UNION SELECT id, email FROM customers", dialect)).toEqual([
      ["customers.id"],
      ["customers.city", "customers.email"],
    ]);
    expect(lineage("SELECT city FROM customers UNION ALL SELECT status FROM orders UNION SELECT phone FROM customers", dialect)).toEqual([
      ["customers.city", "customers.phone", "orders.status"],
    ]);
    const except = lineage("SELECT city FROM customers EXCEPT SELECT email FROM customers", dialect);
    // SQLite's grammar in node-sql-parser lacks EXCEPT: not understood is "unresolved", never "clean".
    if (dialect === "sqlite") expect(except).toMatch(/^unresolved/);
    else expect(except).toEqual([["customers.city", "customers.email"]]);
  });

  it("places unqualified columns across joins", () => {
    expect(lineage("SELECT total, email FROM orders JOIN customers ON customers.id = orders.customer_id", dialect)).toEqual([
      ["orders.total"],
      EMAIL,
    ]);
    const using = lineage("SELECT * FROM customers JOIN orders USING (id)", dialect) as string[][];
    expect(using).toHaveLength(8);
    expect(using.some((s) => s.includes("customers.email"))).toBe(true);
  });

  it("keeps non-personal outputs clean", () => {
    expect(lineage("SELECT id, city, 1 AS one, 'email' AS label FROM customers", dialect)).toEqual([["customers.id"], ["customers.city"], [], []]);
    expect(lineage("SELECT status, sum(total) FROM orders GROUP BY status", dialect)).toEqual([["orders.status"], ["orders.total"]]);
  });

  it("says unresolved when it cannot be sure", () => {
    expect(lineage("SELECT * FROM nowhere", dialect)).toMatch(/^unresolved: .*nowhere/);
    expect(lineage("SELECT mystery FROM customers", dialect)).toMatch(/^unresolved/);
    expect(lineage("SELECT x.email FROM customers c", dialect)).toMatch(/^unresolved/);
    expect(lineage("SELECT id FROM customers UNION SELECT id, email FROM customers", dialect)).toMatch(/^unresolved/);
    expect(resolveLineage(undefined, { dialect, schema: schemaFor(dialect) }).resolved).toBe(false);
  });
});

describe("PostgreSQL-only shapes", () => {
  it("knows system columns carry no personal values", () => {
    expect(lineage("SELECT ctid, c.xmin, email FROM customers c", "postgres")).toEqual([[], [], EMAIL]);
    expect(lineage("SELECT rowid, c._rowid_ FROM customers c", "sqlite")).toEqual([[], []]);
    expect(lineage("SELECT rowid FROM customers", "mysql")).toMatch(/^unresolved/);
  });

  it("treats whole-row references as every column of the row", () => {
    const all = ["customers.city", "customers.email", "customers.first_name", "customers.id", "customers.phone"];
    expect(lineage("SELECT row_to_json(c) FROM customers c", "postgres")).toEqual([all]);
    expect(lineage("SELECT to_jsonb(customers) FROM customers", "postgres")).toEqual([all]);
    expect(lineage("SELECT t FROM customers t", "postgres")).toEqual([all]);
    expect(lineage("SELECT json_agg(c.*) FROM customers c", "postgres")).toEqual([all]);
    expect(lineage("SELECT jsonb_agg(c) FROM customers c", "postgres")).toEqual([all]);
  });

  it("knows schema-qualified tables, derived column lists and LATERAL", () => {
    expect(lineage("SELECT email FROM public.customers", "postgres")).toEqual([EMAIL]);
    expect(lineage("SELECT email FROM other.customers", "postgres")).toMatch(/^unresolved/);
    expect(lineage("SELECT s.a FROM (SELECT email FROM customers) AS s(a)", "postgres")).toEqual([EMAIL]);
    expect(lineage("SELECT c.id, l.e FROM customers c, LATERAL (SELECT c.email AS e) l", "postgres")).toEqual([["customers.id"], EMAIL]);
  });

  it("refuses to guess for functions that read data by name", () => {
    expect(lineage("SELECT query_to_xml('select email from customers', true, true, '')", "postgres")).toMatch(/^unresolved/);
    expect(lineage("SELECT * FROM generate_series(1, 3)", "postgres")).toMatch(/^unresolved/);
  });
});

describe("MySQL-only shapes", () => {
  it("accepts the connected database as qualifier and nothing else", () => {
    expect(lineage("SELECT email FROM shop.customers", "mysql")).toEqual([EMAIL]);
    expect(lineage("SELECT email FROM otherdb.customers", "mysql")).toMatch(/^unresolved/);
    expect(lineage("SELECT CONVERT(phone, CHAR) FROM customers", "mysql")).toEqual([["customers.phone"]]);
  });
});

describe("views", () => {
  const view = (definition: string | undefined): SchemaTable => ({
    ...table("contacts", ["id", "contact"]),
    type: "view",
    ...(definition ? { definition } : {}),
  });
  const viaView = (dialect: SqlDialect, definition: string | undefined, sql = "SELECT contact FROM contacts") => {
    const analysis = analyzeSql(sql, dialect);
    if (!analysis.ok) throw new Error(analysis.error.message);
    const schema = schemaFor(dialect);
    const result = resolveLineage(analysis.statements[0]!.ast, { dialect, schema: { tables: [...schema.tables, view(definition)] }, defaultSchema: "shop" });
    return result.resolved ? result.outputs.map((o) => o.sources.map((s) => `${s.table}.${s.column}`)) : "unresolved";
  };

  it("trace to the base columns of the engine's own definition text", () => {
    expect(viaView("sqlite", "CREATE VIEW contacts AS SELECT id, email AS contact FROM customers")).toEqual([EMAIL]);
    expect(viaView("sqlite", 'CREATE VIEW IF NOT EXISTS "contacts"(a, b) AS SELECT id, lower(email) FROM customers')).toEqual([EMAIL]);
    expect(viaView("postgres", " SELECT customers.id,\n    customers.email AS contact\n   FROM customers;")).toEqual([EMAIL]);
    expect(viaView("mysql", "select `shop`.`customers`.`id` AS `id`,`shop`.`customers`.`email` AS `contact` from `shop`.`customers`")).toEqual([EMAIL]);
  });

  it("are unresolved when the definition is unknown or does not match the view's columns", () => {
    expect(viaView("sqlite", undefined)).toBe("unresolved");
    expect(viaView("postgres", "SELECT id FROM customers")).toBe("unresolved");
  });
});
