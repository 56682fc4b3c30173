import "server-only";
import { sql } from "kysely";
import type { SchemaSnapshot, SchemaTable } from "../types";
import type { AnyKysely } from "./dialect";

/** The connected database only, in three information_schema queries. */
export async function introspectMysql(db: AnyKysely): Promise<SchemaSnapshot> {
  const here = sql<string>`DATABASE()`;
  const [current, tables, columns, keys, views] = await Promise.all([
    sql<{ name: string }>`SELECT DATABASE() AS name`.execute(db).then((r) => r.rows[0]?.name ?? ""),
    db
      .selectFrom("information_schema.TABLES")
      .select(["TABLE_NAME as name", "TABLE_TYPE as type", "TABLE_ROWS as rows"])
      .where("TABLE_SCHEMA", "=", here)
      .orderBy("TABLE_NAME")
      .execute(),
    db
      .selectFrom("information_schema.COLUMNS")
      .select([
        "TABLE_NAME as tableName",
        "COLUMN_NAME as name",
        "COLUMN_TYPE as type",
        "IS_NULLABLE as nullable",
        "COLUMN_DEFAULT as defaultValue",
      ])
      .where("TABLE_SCHEMA", "=", here)
      .orderBy("TABLE_NAME")
      .orderBy("ORDINAL_POSITION")
      .execute(),
    db
      .selectFrom("information_schema.KEY_COLUMN_USAGE")
      .select([
        "TABLE_NAME as tableName",
        "CONSTRAINT_NAME as constraintName",
        "COLUMN_NAME as columnName",
        "REFERENCED_TABLE_SCHEMA as refSchema",
        "REFERENCED_TABLE_NAME as refTable",
        "REFERENCED_COLUMN_NAME as refColumn",
      ])
      .where("TABLE_SCHEMA", "=", here)
      .where((eb) => eb.or([eb("CONSTRAINT_NAME", "=", "PRIMARY"), eb("REFERENCED_TABLE_NAME", "is not", null)]))
      .orderBy("TABLE_NAME")
      .orderBy("CONSTRAINT_NAME")
      .orderBy("ORDINAL_POSITION")
      .execute(),
    // Empty without the SHOW VIEW privilege: then the definition stays unknown.
    db
      .selectFrom("information_schema.VIEWS")
      .select(["TABLE_NAME as name", "VIEW_DEFINITION as definition"])
      .where("TABLE_SCHEMA", "=", here)
      .execute(),
  ]);
  const viewDefinitions = new Map(views.filter((v) => v.definition).map((v) => [v.name as string, String(v.definition)]));

  const byName = new Map<string, SchemaTable>();
  for (const t of tables) {
    const view = String(t.type).toUpperCase().includes("VIEW");
    byName.set(t.name, {
      name: t.name,
      type: view ? "view" : "table",
      columns: [],
      primaryKey: [],
      foreignKeys: [],
      // InnoDB's TABLE_ROWS is a sampled estimate, which is what approxRowCount promises.
      approxRowCount: view || t.rows === null ? null : Number(t.rows),
      ...(view && viewDefinitions.has(t.name) ? { definition: viewDefinitions.get(t.name)! } : {}),
    });
  }

  const foreign = new Map<string, { table: SchemaTable; fk: SchemaTable["foreignKeys"][number] }>();
  for (const k of keys) {
    const table = byName.get(k.tableName);
    if (!table) continue;
    if (k.constraintName === "PRIMARY") {
      table.primaryKey.push(k.columnName);
      continue;
    }
    const id = `${k.tableName}\u0000${k.constraintName}`;
    let entry = foreign.get(id);
    if (!entry) {
      entry = { table, fk: { columns: [], referencedTable: k.refTable, referencedColumns: [] } };
      if (k.refSchema && k.refSchema !== current) entry.fk.referencedSchema = k.refSchema;
      foreign.set(id, entry);
      table.foreignKeys.push(entry.fk);
    }
    entry.fk.columns.push(k.columnName);
    entry.fk.referencedColumns.push(k.refColumn);
  }

  for (const c of columns) {
    const table = byName.get(c.tableName);
    if (!table) continue;
    // MariaDB reports "no default" on a nullable column as the bare word NULL.
    const def = c.defaultValue === null || c.defaultValue === "NULL" ? null : String(c.defaultValue);
    table.columns.push({
      name: c.name,
      type: c.type,
      nullable: c.nullable === "YES",
      primaryKey: table.primaryKey.includes(c.name),
      default: def,
    });
  }
  const functions = await sql<{ name: string }>`SELECT DISTINCT lower(ROUTINE_NAME) AS name FROM information_schema.ROUTINES
    WHERE ROUTINE_SCHEMA = DATABASE() AND ROUTINE_TYPE = 'FUNCTION'`.execute(db);
  return { tables: [...byName.values()], functions: functions.rows.map((r) => String(r.name)) };
}
