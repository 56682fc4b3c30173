import "server-only";
import type { RelationFacts, RunOptions, RunResult } from "../types";

/**
 * PostgreSQL catalogue facts for write previews: relation kind (foreign tables and
 * views never preview), user triggers and rules (they run arbitrary code), row
 * security policies (their expressions may call functions), user-defined functions
 * behind CHECK constraints, index expressions and generated columns (pg_depend), and
 * column defaults that
 * draw from sequences (nextval is not undone by a rollback). A write's reach includes
 * partitions, inheritance children and foreign-key children (cascades fire there).
 */
type Run = (sql: string, opts: RunOptions) => Promise<RunResult>;

const KINDS: Record<string, RelationFacts["kind"]> = { r: "table", p: "table", v: "view", f: "foreign", m: "materialized" };

const RELATIONS_SQL = `
WITH RECURSIVE asked AS (
  SELECT c.oid, $1::text AS asked, 0 AS depth
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relname IN ($2::text, lower($2::text))
    AND CASE WHEN $3::text IS NULL THEN n.nspname = ANY (current_schemas(true)) ELSE n.nspname IN ($3::text, lower($3::text)) END
), reach AS (
  SELECT oid, asked, depth FROM asked
  UNION
  SELECT d.child, r.asked, r.depth + 1
  FROM reach r
  CROSS JOIN LATERAL (
    SELECT con.conrelid AS child FROM pg_constraint con WHERE $4::boolean AND con.contype = 'f' AND con.confrelid = r.oid
    UNION SELECT i.inhrelid FROM pg_inherits i WHERE $4::boolean AND i.inhparent = r.oid
  ) d
  WHERE r.depth < 6
)
SELECT DISTINCT ON (c.oid)
  c.oid::int8 AS oid, r.asked, r.depth, n.nspname AS schema, c.relname AS name, c.relkind::text AS relkind,
  c.relrowsecurity AS row_security,
  (SELECT coalesce(string_agg(t.tgname::text, chr(30) ORDER BY t.tgname), '') FROM pg_trigger t WHERE t.tgrelid = c.oid AND NOT t.tgisinternal) AS triggers,
  (SELECT coalesce(string_agg(w.rulename::text, chr(30) ORDER BY w.rulename), '') FROM pg_rewrite w WHERE w.ev_class = c.oid AND w.rulename <> '_RETURN') AS rules,
  (SELECT coalesce(string_agg(a.attname::text, chr(30) ORDER BY a.attnum), '') FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped) AS columns,
  (SELECT coalesce(string_agg(a.attname::text, chr(30)), '') FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attidentity <> '') AS identity_columns,
  (SELECT coalesce(string_agg(pg_get_expr(d.adbin, d.adrelid), chr(30)), '') FROM pg_attrdef d WHERE d.adrelid = c.oid) AS defaults,
  (SELECT coalesce(string_agg(DISTINCT pn.nspname || '.' || p.proname, chr(30)), '')
     FROM pg_depend dep
     JOIN pg_proc p ON dep.refclassid = 'pg_proc'::regclass AND dep.refobjid = p.oid
     JOIN pg_namespace pn ON pn.oid = p.pronamespace
    WHERE pn.nspname NOT IN ('pg_catalog', 'information_schema')
      AND ((dep.classid = 'pg_constraint'::regclass AND dep.objid IN (SELECT k.oid FROM pg_constraint k WHERE k.conrelid = c.oid))
        OR (dep.classid = 'pg_class'::regclass AND dep.objid IN (SELECT x.indexrelid FROM pg_index x WHERE x.indrelid = c.oid))
        OR (dep.classid = 'pg_class'::regclass AND dep.objid = c.oid)
        OR (dep.classid = 'pg_attrdef'::regclass AND dep.objid IN (SELECT ad.oid FROM pg_attrdef ad WHERE ad.adrelid = c.oid)))
  ) AS user_functions
FROM reach r JOIN pg_class c ON c.oid = r.oid JOIN pg_namespace n ON n.oid = c.relnamespace
ORDER BY c.oid, r.depth`;

/** Default expressions that are a literal, a literal cast, or an allow-listed clock call. */
const PLAIN_DEFAULT = /^(?:'(?:[^']|'')*'|-?\d+(?:\.\d+)?|true|false|null|now\(\)|current_(?:timestamp|date|time)|localtimestamp|CURRENT_(?:TIMESTAMP|DATE|TIME))(?:::[a-z_ ]+(?:\[\])?(?:\(\d+(?:,\d+)?\))?)*$/i;

/** The lists come back joined with U+001E (record separator), which no name or expression here holds. */
const textArray = (value: unknown): string[] => (typeof value === "string" && value !== "" ? value.split("\u001e") : []);

function splitName(name: string): { schema: string | null; table: string } {
  const parts = name.split(".");
  return parts.length > 1 ? { schema: parts[parts.length - 2]!, table: parts[parts.length - 1]! } : { schema: null, table: name };
}

export async function describePostgresRelations(run: Run, names: string[], dependentsOf: string[]): Promise<RelationFacts[]> {
  const facts: RelationFacts[] = [];
  for (const asked of new Set(names)) {
    const { schema, table } = splitName(asked);
    const result = await run(RELATIONS_SQL, {
      readOnly: true,
      maxRows: 500,
      timeoutMs: 10_000,
      params: [asked, table, schema, dependentsOf.includes(asked)],
    });
    for (const row of result.rows) {
      const kind = KINDS[String(row.relkind)] ?? "other";
      const hazards: string[] = [];
      for (const rule of textArray(row.rules)) hazards.push(`rule ${rule}`);
      if (row.row_security) hazards.push("row-level security policies");
      // CHECK constraints, index expressions and generated columns run these on every write.
      const functions = textArray(row.user_functions);
      if (functions.length > 0) hazards.push(`constraints, indexes or generated columns calling ${functions.join(", ")}`);
      const defaults: string[] = [];
      for (const column of textArray(row.identity_columns)) defaults.push(`identity column ${column} (draws from a sequence)`);
      for (const expr of textArray(row.defaults)) {
        if (!PLAIN_DEFAULT.test(expr.trim())) defaults.push(`column default ${expr}`);
      }
      facts.push({
        asked,
        name: `${String(row.schema)}.${String(row.name)}`,
        via: Number(row.depth) === 0 ? "named" : "dependent",
        kind,
        storageEngine: null,
        transactional: kind === "table" || kind === "materialized" || kind === "view",
        triggers: textArray(row.triggers),
        writeHazards: hazards,
        defaultHazards: defaults,
        columns: textArray(row.columns),
      });
    }
  }
  return facts;
}

export async function explainPostgres(run: Run, sql: string, timeoutMs = 10_000): Promise<string> {
  const result = await run(`EXPLAIN ${sql}`, { readOnly: true, maxRows: 500, timeoutMs });
  return result.rows.map((r) => String(Object.values(r)[0] ?? "")).join("\n");
}
