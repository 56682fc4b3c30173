import { describe, expect, it } from "vitest";
import type { SchemaSnapshot, SchemaTable } from "@/server/connectors/types";
import { isAppError } from "@/server/errors";
import { analyzeSql } from "@/server/sql/analyze";
import type { SqlDialect } from "@/server/sql/types";
import { AppError } from "@/server/errors";
import { applyMask, isPiiColumnName, maskFailure, maskedColumns, maskedColumnsFor, maskingPlan, maskRows, maskValue, type PersonalColumn } from "./masking";

const READER = { canRead: true, canWrite: false, canApprove: false };
const WRITER = { canRead: true, canWrite: true, canApprove: false };

const table = (name: string, columns: string[], extra: Partial<SchemaTable> = {}): SchemaTable => ({
  name,
  type: "table",
  columns: columns.map((c) => ({ name: c, type: "text", nullable: true, primaryKey: false })),
  primaryKey: [],
  foreignKeys: [],
  approxRowCount: null,
  ...extra,
});

const schema: SchemaSnapshot = {
  tables: [
    table("customers", ["id", "email", "city"]),
    table("orders", ["id", "total"]),
    table("contacts", ["id", "contact"], { type: "view", definition: "CREATE VIEW contacts AS SELECT id, email AS contact FROM customers" }),
    table("mystery", ["id", "label"], { type: "view" }),
  ],
};

function plan(sql: string, access = READER, dialect: SqlDialect = "sqlite", isPersonal?: PersonalColumn) {
  const analysis = analyzeSql(sql, dialect);
  if (!analysis.ok) throw new Error(analysis.error.message);
  return maskingPlan(analysis.statements[0]!, access, { dialect, schema, isPersonal });
}

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (isAppError(e)) return `${e.code}: ${e.message} ${JSON.stringify(e.details ?? {})}`;
    throw e;
  }
  throw new Error("expected a refusal");
}

describe("column masking", () => {
  it("recognises personal columns by name, not lookalikes", () => {
    for (const n of ["email", "customer_email", "phone", "ssn", "date_of_birth", "password_hash", "ship_address"]) expect(isPiiColumnName(n), n).toBe(true);
    for (const n of ["id", "emailed_at_count", "status", "amount", "telephone_count"]) expect(isPiiColumnName(n), n).toBe(false);
  });

  it("masks only for callers who may not write", () => {
    const cols = [{ name: "id" }, { name: "email" }];
    expect(maskedColumns(cols, WRITER)).toBeNull();
    const masked = maskedColumns(cols, READER);
    expect([...masked!]).toEqual(["email"]);
    expect(maskRows([{ id: 1, email: "jane@example.com" }], masked)).toEqual([{ id: 1, email: "j***@example.com" }]);
  });

  it("keeps nulls and hides short values entirely", () => {
    expect(maskValue(null)).toBeNull();
    expect(maskValue("1234")).toBe("****");
    expect(maskValue("+1 555 0100")).toBe("****00");
  });

  it("replaces the whole value of JSON, rows, lists and numbers, leaving no part of them", () => {
    expect(maskValue({ e: "jane@example.com", p: "+1 555 0100" })).toBe("****");
    expect(maskValue(["a@b.io", "c@d.io"])).toBe("****");
    expect(maskValue('{"e":"jane@example.com","p":"+1 555 0100"}')).toBe("****");
    expect(maskValue("jane@example.com,joe@example.org")).toBe("****");
    expect(maskValue("(1,jane@example.com,Leeds)")).toBe("****");
    expect(maskValue(19800105)).toBe("****");
    // Masking an already masked value changes nothing (stored results are masked again on the way out).
    for (const v of ["jane@example.com", "+1 555 0100", '{"a":1}']) expect(maskValue(maskValue(v))).toBe(maskValue(v));
  });
});

describe("masking plans by lineage", () => {
  it("masks every output derived from a personal column, whatever it is called", () => {
    const p = plan("SELECT id, email AS contact, lower(email) AS x, city, count(email) AS n FROM customers GROUP BY id");
    expect(p).toMatchObject({ mode: "lineage", personal: [false, true, true, false, false] });
    const cols = ["id", "contact", "x", "city", "n"].map((name) => ({ name }));
    expect(applyMask([{ id: 1, contact: "jane@example.com", x: "jane@example.com", city: "Leeds", n: 3 }], cols, p)).toEqual([
      { id: 1, contact: "j***@example.com", x: "j***@example.com", city: "Leeds", n: 3 },
    ]);
  });

  it("maps positions to the driver's de-duplicated names", () => {
    const p = plan("SELECT city AS a, email AS a FROM customers");
    expect([...maskedColumnsFor(p, [{ name: "a" }, { name: "a_2" }])!]).toEqual(["a_2"]);
  });

  it("sees through views to their base columns", () => {
    expect(plan("SELECT contact AS c FROM contacts")).toMatchObject({ mode: "lineage", personal: [true] });
  });

  it("takes the personal predicate as a parameter (the dictionary's tags plug in here)", () => {
    const cityIsPersonal: PersonalColumn = (t, c) => t.name === "customers" && c === "city";
    expect(plan("SELECT email, city AS town FROM customers", READER, "sqlite", cityIsPersonal)).toMatchObject({ personal: [false, true] });
  });

  it("is off for writers, whatever the statement", () => {
    expect(plan("SELECT * FROM customers, json_each('[1]')", WRITER)).toEqual({ mode: "off" });
  });

  it("refuses an untraceable read of a personal table before it runs", () => {
    expect(refusal(() => plan("SELECT * FROM customers, json_each('[1]')"))).toMatch(/^QUERY_REJECTED: Quarry cannot tell which columns .* customers holds personal data/);
    expect(refusal(() => plan("SELECT * FROM orders, mystery"))).toMatch(/view mystery has a definition Quarry cannot read/);
    expect(refusal(() => plan("SELECT * FROM customers, generate_series(1, 2) g", READER, "postgres"))).toMatch(/customers holds personal data/);
    expect(refusal(() => plan("SELECT query_to_xml('select email from customers', true, true, '')", READER, "postgres"))).toMatch(/reads tables the query does not name/);
  });

  it("refuses user-defined functions (their bodies may read any table) when the data source holds personal data", () => {
    const withUdf = { ...schema, functions: ["contact_of"] };
    const planWith = (sql: string, dialect: SqlDialect, s: SchemaSnapshot) => {
      const analysis = analyzeSql(sql, dialect);
      if (!analysis.ok) throw new Error(analysis.error.message);
      return maskingPlan(analysis.statements[0]!, READER, { dialect, schema: s });
    };
    expect(refusal(() => planWith("SELECT contact_of(1) AS x", "postgres", withUdf))).toMatch(/a function in it reads tables/);
    expect(refusal(() => planWith("SELECT upper(contact_of(id)) AS x FROM orders", "postgres", withUdf))).toMatch(/a function in it/);
    expect(refusal(() => planWith("SELECT otherdb.contact_of(1) AS x", "mysql", schema))).toMatch(/a function in it/);
    expect(planWith("SELECT lower('A') AS x", "postgres", withUdf)).toMatchObject({ mode: "lineage", personal: [false] });
    const nothingPersonal = { tables: [table("orders", ["id", "total"])], functions: ["contact_of"] };
    expect(planWith("SELECT contact_of(1) AS x", "postgres", nothingPersonal)).toEqual({ mode: "names" });
  });

  it("lets plans and catalogue listings of personal tables through (they return no rows of them)", () => {
    expect(plan("EXPLAIN QUERY PLAN SELECT email FROM customers")).toEqual({ mode: "names" });
    expect(plan("PRAGMA table_info(customers)")).toEqual({ mode: "names" });
    expect(plan("EXPLAIN SELECT email FROM customers", READER, "postgres")).toEqual({ mode: "names" });
    expect(plan("SHOW COLUMNS FROM customers", READER, "mysql")).toEqual({ mode: "names" });
  });

  it("falls back to the name floor when the untraceable statement reads nothing personal", () => {
    const p = plan("SELECT * FROM orders, json_each('[1]')");
    expect(p).toEqual({ mode: "names" });
    expect(maskedColumnsFor(p, [{ name: "id" }, { name: "total" }, { name: "email" }])).toEqual(new Set(["email"]));
  });

  it("defers the refusal of unknown tables to the rows when asked, so typos get the engine's error", () => {
    const analysis = analyzeSql("SELECT * FROM nowhere", "sqlite");
    if (!analysis.ok) throw new Error("parse");
    const statement = analysis.statements[0]!;
    expect(refusal(() => maskingPlan(statement, READER, { dialect: "sqlite", schema }))).toMatch(/nowhere is not in the data source's known schema/);
    const deferred = maskingPlan(statement, READER, { dialect: "sqlite", schema }, { unknownTables: "refuse-rows" });
    expect(deferred.mode).toBe("refuse");
    expect(refusal(() => maskedColumnsFor(deferred, [{ name: "a" }]))).toMatch(/^QUERY_REJECTED/);
  });

  it("does not trust lineage whose column count differs from the result's", () => {
    const p = plan("SELECT id, email FROM customers");
    expect(refusal(() => maskedColumnsFor(p, [{ name: "id" }]))).toMatch(/customers holds personal data/);
    // Same count, other columns: the table changed since the schema was cached (`*` expanded stale).
    expect(refusal(() => maskedColumnsFor(plan("SELECT * FROM customers"), [{ name: "id" }, { name: "email" }, { name: "phone" }]))).toMatch(
      /schema may have changed/,
    );
    expect(maskedColumnsFor(plan("SELECT * FROM customers"), [{ name: "ID" }, { name: "email" }, { name: "city" }])).toEqual(new Set(["email"]));
    // A mismatch means the parser may have missed something: refused wherever the data source holds personal data…
    const clean = plan("SELECT id, total FROM orders");
    expect(refusal(() => maskedColumnsFor(clean, [{ name: "id" }, { name: "total" }, { name: "phone" }]))).toMatch(/this data source holds personal data/);
    // …and only name-masked where it holds none.
    const analysis = analyzeSql("SELECT id, total FROM orders", "sqlite");
    if (!analysis.ok) throw new Error("parse");
    const bare = maskingPlan(analysis.statements[0]!, READER, { dialect: "sqlite", schema: { tables: [table("orders", ["id", "total"])] } });
    expect(maskedColumnsFor(bare, [{ name: "id" }, { name: "total" }, { name: "phone" }])).toEqual(new Set(["phone"]));
  });
});

describe("errors for readers", () => {
  it("mask quoted values that are not in the statement, keep names and the reader's own literals", () => {
    const sql = "SELECT email::int AS x FROM customers WHERE city = 'Leeds'";
    const p = plan("SELECT email FROM customers", READER, "postgres");
    const failure = new AppError("QUERY_FAILED", 'invalid input syntax for type integer: "jane@example.com"', {
      details: { detail: "Token \"jane\" is invalid.", code: "22P02", position: 8 },
    });
    const masked = maskFailure(failure, p, sql) as AppError;
    expect(masked.message).toBe('invalid input syntax for type integer: "****"');
    expect(masked.details).toEqual({ detail: 'Token "****" is invalid.', code: "22P02", position: 8 });
    expect(masked.status).toBe(400);
    const names = new AppError("QUERY_FAILED", 'column "Leeds" and relation "customers" and \'Leeds\'');
    expect((maskFailure(names, p, sql) as AppError).message).toBe(names.message);
    expect(maskFailure(failure, { mode: "off" }, sql)).toBe(failure);
  });
});
