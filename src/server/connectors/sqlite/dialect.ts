import "server-only";
import Database from "better-sqlite3";
import { Kysely, SqliteDialect } from "kysely";
import type { ResultColumn, ValueKind } from "../types";
import type { ValueConverter } from "../values";

// Kysely's own rows never leave the connector, so the schema type stays open.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyKysely = Kysely<any>;

/**
 * Catalog reads (introspection, connection tests) on the main thread, over a
 * connection SQLite itself keeps from writing. User SQL never runs here.
 */
export function createSqliteKysely(file: string): AnyKysely {
  return new Kysely({
    dialect: new SqliteDialect({
      database: async () => {
        const db = new Database(file, { readonly: true, fileMustExist: true });
        db.pragma("query_only = 1");
        return db;
      },
    }),
  });
}

/** SQLite's column affinity rules (datatype3.html §3.1), refined for booleans, dates and JSON. */
function declaredKind(declType: string): ValueKind | undefined {
  const t = declType.toUpperCase();
  if (!t) return undefined;
  if (t.includes("BOOL")) return "boolean";
  if (t.includes("JSON")) return "json";
  if (t.includes("INT")) return "number";
  if (t.includes("DATE") || t.includes("TIME")) return "date";
  if (/CHAR|CLOB|TEXT/.test(t)) return "string";
  if (t.includes("BLOB")) return "binary";
  return "number";
}

const storageKinds: Record<string, ValueKind> = { INTEGER: "number", REAL: "number", TEXT: "string", BLOB: "binary" };

const toBoolean: ValueConverter = (v) => (v === 0 ? false : v === 1 ? true : v);
const parseJson: ValueConverter = (v) => {
  if (typeof v !== "string") return v;
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
};

export interface ChildColumn {
  name: string;
  declType: string | null;
}

/**
 * Declared types where the column has one; for expressions, the storage class of
 * the first non-null value the child saw.
 */
export function sqliteColumns(
  raw: ChildColumn[],
  keys: string[],
  seen: (string | null | undefined)[],
): { columns: ResultColumn[]; converters: (ValueConverter | undefined)[] } {
  const converters: (ValueConverter | undefined)[] = [];
  const columns = raw.map((c, i): ResultColumn => {
    const observed = seen[i] ?? undefined;
    const kind = declaredKind(c.declType ?? "") ?? (observed ? storageKinds[observed] : undefined) ?? "unknown";
    if (kind === "boolean") converters[i] = toBoolean;
    if (kind === "json") converters[i] = parseJson;
    return { name: keys[i]!, type: c.declType || observed || "", kind };
  });
  return { columns, converters };
}
