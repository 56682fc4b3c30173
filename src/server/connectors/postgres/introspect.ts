import "server-only";
import { sql } from "kysely";
import type { SchemaSnapshot, SchemaTable } from "../types";
import type { AnyKysely } from "./dialect";

/**
 * Three catalog queries however many tables there are: relations, columns,
 * constraints, joined up in memory. Partitions are folded into their parent.
 */
export async function introspectPostgres(db: AnyKysely, schemas?: string[]): Promise<SchemaSnapshot> {
  const relations = () => {
    let q = db
      .selectFrom("pg_catalog.pg_class as c")
      .innerJoin("pg_catalog.pg_namespace as n", "n.oid", "c.relnamespace")
      .where("c.relkind", "in", ["r", "p", "v", "m", "f"])
      .where(sql<boolean>`NOT c.relispartition`)
      .where("n.nspname", "not in", ["pg_catalog", "information_schema"])
      .where("n.nspname", "not like", "pg\\_%");
    if (schemas?.length) q = q.where("n.nspname", "in", schemas);
    return q;
  };

  const [tables, columns, constraints] = await Promise.all([
    relations()
      .select([
        sql<number>`c.oid::int`.as("oid"),
        "n.nspname as schema",
        "c.relname as name",
        "c.relkind as kind",
        sql<number>`c.reltuples::float8`.as("reltuples"),
        sql<string | null>`CASE WHEN c.relkind IN ('v', 'm') THEN pg_get_viewdef(c.oid) END`.as("definition"),
      ])
      .orderBy("n.nspname")
      .orderBy("c.relname")
      .execute(),
    db
      .selectFrom("pg_catalog.pg_attribute as a")
      .leftJoin("pg_catalog.pg_attrdef as d", (j) => j.onRef("d.adrelid", "=", "a.attrelid").onRef("d.adnum", "=", "a.attnum"))
      .where("a.attrelid", "in", relations().select("c.oid"))
      .where("a.attnum", ">", 0)
      .where(sql<boolean>`NOT a.attisdropped`)
      .select([
        sql<number>`a.attrelid::int`.as("oid"),
        "a.attname as name",
        sql<string>`format_type(a.atttypid, a.atttypmod)`.as("type"),
        sql<boolean>`NOT a.attnotnull`.as("nullable"),
        sql<string | null>`pg_get_expr(d.adbin, d.adrelid)`.as("default"),
      ])
      .orderBy("a.attrelid")
      .orderBy("a.attnum")
      .execute(),
    db
      .selectFrom("pg_catalog.pg_constraint as con")
      .leftJoin("pg_catalog.pg_class as fc", "fc.oid", "con.confrelid")
      .leftJoin("pg_catalog.pg_namespace as fn", "fn.oid", "fc.relnamespace")
      .where("con.contype", "in", ["p", "f"])
      .where("con.conrelid", "in", relations().select("c.oid"))
      .select([
        sql<number>`con.conrelid::int`.as("oid"),
        "con.contype as type",
        sql<string[]>`ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(num, ord)
          JOIN pg_catalog.pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.num ORDER BY k.ord)`.as("columns"),
        "fn.nspname as refSchema",
        "fc.relname as refTable",
        sql<string[]>`ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY k(num, ord)
          JOIN pg_catalog.pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.num ORDER BY k.ord)`.as("refColumns"),
      ])
      .orderBy("con.conname")
      .execute(),
  ]);

  const byOid = new Map<number, SchemaTable>();
  for (const t of tables) {
    const isView = t.kind === "v" || t.kind === "m";
    byOid.set(t.oid, {
      schema: t.schema,
      name: t.name,
      type: isView ? "view" : "table",
      columns: [],
      primaryKey: [],
      foreignKeys: [],
      // reltuples is -1 until the table is first analyzed (PostgreSQL 14+).
      approxRowCount: isView || t.reltuples < 0 ? null : Math.round(t.reltuples),
      ...(isView && t.definition ? { definition: t.definition } : {}),
    });
  }
  for (const c of constraints) {
    const table = byOid.get(c.oid);
    if (!table) continue;
    if (c.type === "p") table.primaryKey = c.columns;
    else if (c.refTable) {
      table.foreignKeys.push({
        columns: c.columns,
        referencedSchema: c.refSchema ?? undefined,
        referencedTable: c.refTable,
        referencedColumns: c.refColumns,
      });
    }
  }
  for (const c of columns) {
    const table = byOid.get(c.oid);
    if (!table) continue;
    table.columns.push({
      name: c.name,
      type: c.type,
      nullable: c.nullable,
      primaryKey: table.primaryKey.includes(c.name),
      default: c.default,
    });
  }
  // Every schema, not only the synced ones: a search_path function is callable from anywhere.
  const functions = await sql<{ name: string }>`SELECT DISTINCT lower(p.proname) AS name FROM pg_catalog.pg_proc p
    JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
    WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_%'`.execute(db);
  return { tables: [...byOid.values()], functions: functions.rows.map((r) => r.name) };
}
