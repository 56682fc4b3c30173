import { beforeAll, describe, expect, it } from "vitest";
import { resetConfigForTests } from "@/server/config";
import { db } from "@/server/db";
import { openShareLink } from "@/server/services/shares";
import type { SqlDialect } from "@/server/sql/types";
import { grant } from "./fixtures";
import { rest, signedInUser } from "./rest-client";
import { shareLinkPrincipal } from "@/server/services/principal";

/**
 * Masking by lineage, end to end through REST as a reader (can_read only) and a writer
 * (can_write): every class of derived value must come back masked for the reader in the
 * response, the stored history, both export formats and a share link, whatever the output
 * column is called. Each case aliases its output to a neutral name, so name-only masking
 * fails every one of them.
 *
 * The fixture: a `customers` table with `id`, `first_name`, `email`, `phone` (some null)
 * and `city`, an `orders` table, and a view `customer_contacts` defined as
 * `SELECT id, email AS contact, city FROM customers`; PostgreSQL and MariaDB fixtures add
 * `address` and `date_of_birth`.
 */
export interface LineageFixture {
  dialect: SqlDialect;
  dataSourceId: () => string;
  /** True when the fixture's customers also have address and date_of_birth. */
  extendedColumns: boolean;
  /** A real table with personal columns that the data source's schema does not cover (e.g. another database). */
  outsideTable?: string;
  /** A read that fails with an engine error quoting the personal value (PostgreSQL casts do). */
  valueErrorSql?: string;
  /** A user-defined function `(id) -> email of that customer`, when the engine has them. */
  emailFunction?: string;
  /** Creates a table (id, email) after the schema was cached, with the given name. */
  createTableLater?: (name: string) => Promise<void>;
}

type Case = [label: string, sql: string];
/** `anyRefusal`: another guard (the read path's function policy) may refuse first; any 403 will do. */
type RefusedCase = [label: string, sql: string, anyRefusal?: boolean];

const FIRST = "WHERE id <= 6";

function maskedCases(d: SqlDialect, extended: boolean): Case[] {
  const pg = d === "postgres";
  const my = d === "mysql";
  const text = pg ? "text" : my ? "CHAR" : "TEXT";
  const concat = (...parts: string[]) => (my ? `CONCAT(${parts.join(", ")})` : parts.join(" || "));
  const cases: Case[] = [
    ["alias", `SELECT id, email AS contact FROM customers ${FIRST} ORDER BY id`],
    ["alias via table alias", `SELECT c.phone AS reach FROM customers c ${FIRST} ORDER BY c.id`],
    ["expression lower()", `SELECT lower(email) AS x FROM customers ${FIRST} ORDER BY id`],
    ["expression substring", `SELECT ${pg ? "substr" : "substr"}(email, 1, 200) AS x FROM customers ${FIRST} ORDER BY id`],
    ["concatenation with empty string", `SELECT ${concat("email", "''")} AS x FROM customers ${FIRST} ORDER BY id`],
    ["concatenation with other columns", `SELECT ${concat("first_name", "' <'", "email", "'>'")} AS x FROM customers ${FIRST} ORDER BY id`],
    ["function replace()", `SELECT replace(email, '@', ' at ') AS x FROM customers ${FIRST} ORDER BY id`],
    ["function trim()", `SELECT trim(phone) AS x FROM customers ${FIRST} ORDER BY id`],
    [
      "aggregate concatenation",
      `SELECT ${pg ? "string_agg(email, ',')" : my ? "GROUP_CONCAT(email SEPARATOR ',')" : "group_concat(email, ',')"} AS x FROM customers ${FIRST}`,
    ],
    ["aggregate max()", `SELECT max(email) AS x FROM customers ${FIRST}`],
    [
      "JSON object builder",
      `SELECT ${pg ? "json_build_object('e', email)" : my ? "JSON_OBJECT('e', email)" : "json_object('e', email)"} AS x FROM customers ${FIRST} ORDER BY id`,
    ],
    [
      "JSON aggregate",
      `SELECT ${pg ? "jsonb_agg(phone)" : my ? "JSON_ARRAYAGG(phone)" : "json_group_array(phone)"} AS x FROM customers ${FIRST}`,
    ],
    ["sub-select in the select list", `SELECT id, (SELECT c2.email FROM customers c2 WHERE c2.id = c.id) AS x FROM customers c ${FIRST.replace("id", "c.id")} ORDER BY c.id`],
    ["sub-select in FROM", `SELECT s.x FROM (SELECT id, email AS x FROM customers) s WHERE s.id <= 6 ORDER BY s.id`],
    ["sub-select star in FROM", `SELECT * FROM (SELECT id, phone AS p FROM customers ${FIRST}) AS s ORDER BY id`],
    ["CTE", `WITH e AS (SELECT id, email AS addr FROM customers) SELECT addr AS x FROM e WHERE id <= 6 ORDER BY id`],
    ["UNION", `SELECT city AS x FROM customers ${FIRST} UNION ALL SELECT email FROM customers ${FIRST}`],
    ["CASE", `SELECT CASE WHEN id > 0 THEN email ELSE 'none' END AS x FROM customers ${FIRST} ORDER BY id`],
    ["COALESCE", `SELECT coalesce(phone, email) AS x FROM customers ${FIRST} ORDER BY id`],
    ["CAST", `SELECT CAST(email AS ${text}) AS x FROM customers ${FIRST} ORDER BY id`],
    ["view that renames a personal column", `SELECT contact AS x FROM customer_contacts ${FIRST} ORDER BY id`],
    ["view through *", `SELECT * FROM customer_contacts ${FIRST} ORDER BY id`],
    ["view in a join", `SELECT o.id, v.contact AS x FROM orders o JOIN customer_contacts v ON v.id = o.customer_id WHERE o.customer_id <= 6 ORDER BY o.id`],
  ];
  if (pg) {
    cases.push(
      ["cast ::text", `SELECT phone::text AS x, email::varchar AS y FROM customers ${FIRST} ORDER BY id`],
      ["whole row row_to_json()", `SELECT row_to_json(c) AS x FROM customers c ${FIRST} ORDER BY id`],
      ["whole row to_jsonb()", `SELECT to_jsonb(c) AS x FROM customers c ${FIRST} ORDER BY id`],
      ["whole row value", `SELECT c AS x FROM customers c ${FIRST} ORDER BY id`],
      ["whole row jsonb_agg()", `SELECT jsonb_agg(c) AS x FROM customers c ${FIRST}`],
      ["to_json() of a column", `SELECT to_json(email) AS x FROM customers ${FIRST} ORDER BY id`],
      ["recursive CTE", `WITH RECURSIVE r(n, v) AS (SELECT 1, email FROM customers WHERE id = 1 UNION ALL SELECT n + 1, v FROM r WHERE n < 3) SELECT v AS x FROM r`],
    );
  }
  if (my) cases.push(["JSON_ARRAYAGG of JSON_OBJECT", `SELECT JSON_ARRAYAGG(JSON_OBJECT('e', email, 'p', phone)) AS x FROM customers ${FIRST}`]);
  if (d === "sqlite") cases.push(["json_group_array of json_object", `SELECT json_group_array(json_object('p', phone)) AS x FROM customers ${FIRST}`]);
  if (extended) {
    cases.push(
      ["address via alias", `SELECT address AS x FROM customers ${FIRST} ORDER BY id`],
      ["date of birth cast", `SELECT CAST(date_of_birth AS ${text}) AS x FROM customers ${FIRST} ORDER BY id`],
    );
  }
  return cases;
}

function refusedCases(d: SqlDialect): RefusedCase[] {
  const cases: RefusedCase[] = [];
  if (d === "postgres") {
    cases.push(
      ["table function beside a personal table", "SELECT * FROM customers, generate_series(1, 1) g"],
      ["function that runs SQL text", "SELECT query_to_xml('select email from customers', true, true, '') AS x", true],
    );
  }
  if (d === "mysql") cases.push(["NATURAL JOIN", "SELECT * FROM customers NATURAL JOIN orders"]);
  if (d === "sqlite") {
    cases.push(
      ["table-valued function", "SELECT c.id, j.value AS x FROM customers c, json_each(json_array(c.email)) j"],
      ["EXCEPT (not in the parser's SQLite grammar)", "SELECT email AS x FROM customers EXCEPT SELECT 'nobody'"],
    );
  }
  return cases;
}

export function lineageMaskingTests(fx: LineageFixture): void {
  let reader: Awaited<ReturnType<typeof signedInUser>>;
  let writer: Awaited<ReturnType<typeof signedInUser>>;
  let personal: string[] = [];

  const run = (who: { token: string }, sql: string) =>
    rest("POST", "/queries", { token: who.token, body: { data_source_id: fx.dataSourceId(), query_text: sql } });

  /** Every personal value, as the writer sees it; none of them may reach a reader. */
  const leaks = (output: unknown): string[] => {
    const text = typeof output === "string" ? output : JSON.stringify(output);
    return personal.filter((value) => text.includes(value));
  };

  beforeAll(async () => {
    process.env.QUARRY_QUERY_RATE_LIMIT_PER_MINUTE = "100000";
    process.env.QUARRY_DAILY_QUERY_QUOTAS = "viewer=0,analyst=0";
    resetConfigForTests();
    reader = await signedInUser("analyst");
    writer = await signedInUser("analyst");
    await grant(reader.user.id, fx.dataSourceId(), { canRead: true });
    await grant(writer.user.id, fx.dataSourceId(), { canRead: true, canWrite: true });
    const cols = fx.extendedColumns ? "email, phone, address, date_of_birth" : "email, phone";
    const raw = await run(writer, `SELECT ${cols} FROM customers ${FIRST}`);
    expect(raw.status).toBe(200);
    personal = (raw.body.data as Record<string, unknown>[])
      .flatMap((r) => Object.values(r))
      .filter((v) => v !== null && v !== undefined)
      .map((v) => String(v).slice(0, 10)); // a prefix is enough to spot a leak (dates as YYYY-MM-DD)
    expect(personal.length).toBeGreaterThan(6);
  });

  describe.each(maskedCases(fx.dialect, fx.extendedColumns))("%s", (_label, sql) => {
    it("is masked for a reader in the response, history, CSV and JSON export and share link; the writer sees it", async () => {
      const asWriter = await run(writer, sql);
      expect(asWriter.status, JSON.stringify(asWriter.body)).toBe(200);
      expect(leaks(asWriter.body.data).length, "the writer sees real values").toBeGreaterThan(0);

      const asReader = await run(reader, sql);
      expect(asReader.status, JSON.stringify(asReader.body)).toBe(200);
      expect(asReader.body.data.length).toBe(asWriter.body.data.length);
      expect(leaks(asReader.body.data)).toEqual([]);
      const id = asReader.body.id as string;

      const stored = await rest("GET", `/queries/${id}/results`, { token: reader.token });
      expect(stored.status).toBe(200);
      expect(leaks(stored.body)).toEqual([]);

      for (const format of ["csv", "json"] as const) {
        const file = await rest("POST", `/queries/${id}/export`, { token: reader.token, body: { format } });
        expect(file.status, `${format} export`).toBe(200);
        expect(leaks(file.body), `${format} export`).toEqual([]);
      }

      const link = await rest("POST", `/queries/${id}/share-link`, { token: reader.token, body: {} });
      expect(link.status).toBe(201);
      expect(leaks(await openShareLink(shareLinkPrincipal(link.body.id, "127.0.0.1"), undefined))).toEqual([]);
    });
  });

  it("masks a writer's share link too: recipients need no access, so they see what a reader sees", async () => {
    const asWriter = await run(writer, `SELECT email AS contact FROM customers ${FIRST} ORDER BY id`);
    expect(leaks(asWriter.body.data).length).toBeGreaterThan(0);
    const link = await rest("POST", `/queries/${asWriter.body.id}/share-link`, { token: writer.token, body: {} });
    expect(link.status).toBe(201);
    expect(leaks(await openShareLink(shareLinkPrincipal(link.body.id, "127.0.0.1"), undefined))).toEqual([]);
    const csv = await rest("POST", `/queries/${asWriter.body.id}/export`, { token: writer.token, body: { format: "csv" } });
    expect(leaks(csv.body).length, "the writer's own export is not masked").toBeGreaterThan(0);

    // A link stored with real values (made before lineage masking) is masked when opened.
    const legacy = await db.shareLink.create({
      data: {
        id: `legacy-${Math.random().toString(36).slice(2)}`,
        queryRunId: asWriter.body.id,
        createdById: writer.user.id,
        sql: `SELECT email AS contact FROM customers ${FIRST} ORDER BY id`,
        columns: JSON.stringify([{ name: "contact", type: "text", kind: "string" }]),
        rows: JSON.stringify(asWriter.body.data),
        rowCount: asWriter.body.data.length,
      },
    });
    const opened = await openShareLink(shareLinkPrincipal(legacy.id, "127.0.0.1"), undefined);
    expect(opened.rows).toHaveLength(asWriter.body.data.length);
    expect(leaks(opened)).toEqual([]);
  });

  const refused = [
    ...refusedCases(fx.dialect),
    ...(fx.emailFunction ? ([["user-defined function that reads a personal column", `SELECT ${fx.emailFunction}(1) AS x`, true]] as RefusedCase[]) : []),
  ];
  it.each(refused)("refuses an untraceable read of personal data with a 4xx: %s", async (_label, sql, anyRefusal) => {
    const res = await run(reader, sql);
    expect(res.status, JSON.stringify(res.body)).toBe(403);
    if (!anyRefusal) {
      expect(JSON.stringify(res.body)).toMatch(/cannot tell which columns/);
      // The refusal is on the reader's history (status rejected), with nothing stored to page through.
      const history = await rest("GET", "/queries?page=1&page_size=1", { token: reader.token });
      expect(history.body.data[0]).toMatchObject({ status: "rejected" });
      expect((await rest("GET", `/queries/${history.body.data[0].id}/results`, { token: reader.token })).status).toBe(404);
    }
    expect(leaks(res.body)).toEqual([]);
  });

  if (fx.valueErrorSql) {
    it("does not quote a personal value in a reader's error, in the response or the stored run", async () => {
      const asWriter = await run(writer, fx.valueErrorSql!);
      expect(asWriter.status).toBe(400);
      expect(leaks(asWriter.body).length, "the engine quotes the value").toBeGreaterThan(0);
      const res = await run(reader, fx.valueErrorSql!);
      expect(res.status).toBe(400);
      expect(leaks(res.body)).toEqual([]);
      const history = await rest("GET", "/queries?page=1&page_size=5", { token: reader.token });
      expect(JSON.stringify(history.body)).toContain("****");
      expect(leaks(history.body)).toEqual([]);
    });
  }

  it("answers a missing table with the engine's error, not with a refusal or data", async () => {
    const res = await run(reader, "SELECT * FROM customers_that_do_not_exist_here");
    expect(res.status).toBe(400);
    expect(leaks(res.body)).toEqual([]);
  });

  if (fx.outsideTable) {
    it("refuses the rows of a table outside the known schema that exists after all", async () => {
      const res = await run(reader, `SELECT * FROM ${fx.outsideTable}`);
      expect(res.status, JSON.stringify(res.body)).toBe(403);
      expect(JSON.stringify(res.body)).toMatch(/cannot tell which columns/);
      const history = await rest("GET", "/queries?page=1&page_size=5", { token: reader.token });
      expect(leaks(history.body)).toEqual([]);
    });
  }

  if (fx.createTableLater) {
    it("sees a table created after the schema was cached (no stale 'unknown' and no stale 'clean')", async () => {
      const name = `late_${Math.random().toString(36).slice(2, 8)}`;
      await fx.createTableLater!(name);
      const res = await run(reader, `SELECT email AS x FROM ${name}`);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.data.length).toBeGreaterThan(0);
      expect(JSON.stringify(res.body.data)).not.toContain("late@example.com");
    });
  }

  it("lets a reader EXPLAIN a query on personal columns (a plan holds none of their values)", async () => {
    const sql = `EXPLAIN ${fx.dialect === "sqlite" ? "QUERY PLAN " : ""}SELECT email FROM customers WHERE id = 1`;
    const res = await run(reader, sql);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(leaks(res.body)).toEqual([]);
  });

  it("leaves non-personal results and counts of personal columns alone", async () => {
    for (const sql of [
      `SELECT id, city, first_name FROM customers ${FIRST} ORDER BY id`,
      `SELECT count(email) AS n, count(DISTINCT phone) AS m, count(*) AS k FROM customers`,
      `SELECT city, count(email) AS n FROM customers GROUP BY city ORDER BY city`,
    ]) {
      const asReader = await run(reader, sql);
      const asWriter = await run(writer, sql);
      expect(asReader.status, sql).toBe(200);
      expect(asReader.body.data, sql).toEqual(asWriter.body.data);
    }
  });
}
