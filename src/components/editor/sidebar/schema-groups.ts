import type { Engine } from "../types";

/** The least a table needs to be grouped; the schema browser passes full tables through. */
interface Groupable {
  schema?: string;
  name: string;
}

export interface TableGroup<T extends Groupable> {
  /** The schema (PostgreSQL) or database (MySQL) name. */
  name: string;
  items: T[];
}

/**
 * Tables grouped by PostgreSQL schema or MySQL database, the default schema first and the
 * rest by name; null on SQLite, which has one namespace (the list stays flat). MySQL
 * schemas list only the connected database, so its tables form one group named after it.
 */
export function groupTables<T extends Groupable>(items: readonly T[], engine: Engine | undefined, database?: string): TableGroup<T>[] | null {
  if (engine !== "postgres" && engine !== "mysql") return null;
  const fallback = engine === "postgres" ? "public" : database || "database";
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const name = item.schema || fallback;
    const list = groups.get(name);
    if (list) list.push(item);
    else groups.set(name, [item]);
  }
  return [...groups.entries()]
    .map(([name, list]) => ({ name, items: list }))
    .sort((a, b) => (a.name === fallback ? -1 : b.name === fallback ? 1 : a.name.localeCompare(b.name)));
}

/** "≈ 1.2k" where the count is the engine's estimate (PostgreSQL reltuples, MySQL TABLE_ROWS); SQLite counts. */
export function rowCountLabel(count: number, engine: Engine | undefined, compact: (n: number) => string): { text: string; title: string } {
  const estimate = engine === "postgres" || engine === "mysql";
  return estimate
    ? { text: `≈ ${compact(count)}`, title: `about ${count.toLocaleString("en-US")} rows (the database's estimate)` }
    : { text: compact(count), title: `${count.toLocaleString("en-US")} rows` };
}
