import "server-only";
import { sql } from "kysely";
import type { SchemaSnapshot, SchemaTable } from "../types";
import type { AnyKysely } from "./dialect";

interface ColumnInfo {
  name: string;
  type: string;
  notnull: number;
  dflt_value: string | null;
  pk: number;
}

interface ForeignKeyInfo {
  id: number;
  seq: number;
  table: string;
  from: string;
  to: string | null;
}

export async function introspectSqlite(db: AnyKysely): Promise<SchemaSnapshot> {
  const objects = await db
    .selectFrom("sqlite_master")
    .select(["name", "type", "sql"])
    .where("type", "in", ["table", "view"])
    .where(sql<boolean>`name NOT LIKE 'sqlite\\_%' ESCAPE '\\'`)
    .orderBy("name")
    .execute();

  // sqlite_stat1 (written by ANALYZE) holds row counts; without it, count exactly.
  const hasStats = await db.selectFrom("sqlite_master").select("name").where("name", "=", "sqlite_stat1").executeTakeFirst();
  const stats = new Map<string, number>();
  if (hasStats) {
    const rows = await sql<{ tbl: string; stat: string }>`SELECT tbl, stat FROM sqlite_stat1 WHERE idx IS NULL OR idx = tbl`.execute(db);
    for (const r of rows.rows) stats.set(r.tbl, Number.parseInt(r.stat, 10));
  }

  const tables: SchemaTable[] = [];
  const pending: { table: SchemaTable; fks: ForeignKeyInfo[] }[] = [];
  for (const o of objects) {
    const name = o.name as string;
    const isView = o.type === "view";
    const columns = (await sql<ColumnInfo>`SELECT * FROM pragma_table_info(${name})`.execute(db)).rows;
    const primaryKey = columns
      .filter((c) => c.pk > 0)
      .sort((a, b) => a.pk - b.pk)
      .map((c) => c.name);
    let approxRowCount: number | null = null;
    if (!isView) {
      approxRowCount =
        stats.get(name) ??
        Number((await sql<{ n: number }>`SELECT count(*) AS n FROM ${sql.id(name)}`.execute(db)).rows[0]?.n ?? 0);
    }
    const table: SchemaTable = {
      name,
      type: isView ? "view" : "table",
      columns: columns.map((c) => ({
        name: c.name,
        type: c.type,
        nullable: c.notnull === 0 && c.pk === 0,
        primaryKey: c.pk > 0,
        default: c.dflt_value,
      })),
      primaryKey,
      foreignKeys: [],
      approxRowCount,
      ...(isView && typeof o.sql === "string" ? { definition: o.sql as string } : {}),
    };
    tables.push(table);
    if (!isView) pending.push({ table, fks: (await sql<ForeignKeyInfo>`SELECT * FROM pragma_foreign_key_list(${name})`.execute(db)).rows });
  }

  const byName = new Map(tables.map((t) => [t.name.toLowerCase(), t]));
  for (const { table, fks } of pending) {
    const groups = new Map<number, ForeignKeyInfo[]>();
    for (const fk of fks) groups.set(fk.id, [...(groups.get(fk.id) ?? []), fk]);
    for (const parts of groups.values()) {
      parts.sort((a, b) => a.seq - b.seq);
      const target = parts[0]!.table;
      // `REFERENCES parent` without columns means the parent's primary key.
      const implied = byName.get(target.toLowerCase())?.primaryKey ?? [];
      table.foreignKeys.push({
        columns: parts.map((p) => p.from),
        referencedTable: target,
        referencedColumns: parts.map((p, i) => p.to ?? implied[i] ?? ""),
      });
    }
  }
  return { tables };
}
