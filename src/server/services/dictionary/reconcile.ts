import "server-only";
import type { SchemaSnapshot } from "../../connectors/types";

/**
 * How the dictionary follows a schema change, decided without touching the database:
 * new tables and columns get entries; an entry whose column disappeared is marked
 * `dropped`, or `renamed` when exactly one new column of the same type appeared in its
 * table (the likely new name is kept, so a person can carry the notes over). Nothing a
 * person wrote is deleted; an entry whose column comes back is `present` again.
 */
export interface EntryKey {
  tableSchema: string;
  tableName: string;
  columnName: string;
}

export interface EntryState extends EntryKey {
  id: string;
  state: string;
  renamedTo: string | null;
}

export interface ReconcilePlan {
  create: EntryKey[];
  update: { id: string; state: "present" | "dropped" | "renamed"; renamedTo: string | null }[];
}

export const entryKey = (k: EntryKey) => `${k.tableSchema}\u0000${k.tableName}\u0000${k.columnName}`;

export function reconcilePlan(schema: SchemaSnapshot, entries: EntryState[]): ReconcilePlan {
  const existing = new Map(entries.map((e) => [entryKey(e), e]));
  const live = new Map<string, { key: EntryKey; type?: string }>();
  for (const t of schema.tables) {
    const tableSchema = t.schema ?? "";
    live.set(entryKey({ tableSchema, tableName: t.name, columnName: "" }), { key: { tableSchema, tableName: t.name, columnName: "" } });
    for (const c of t.columns) {
      const key = { tableSchema, tableName: t.name, columnName: c.name };
      live.set(entryKey(key), { key, type: c.type });
    }
  }
  const create = [...live.entries()].filter(([k]) => !existing.has(k)).map(([, v]) => v.key);
  const update: ReconcilePlan["update"] = [];
  const gone = entries.filter((e) => !live.has(entryKey(e)));
  for (const e of entries) {
    if (live.has(entryKey(e)) && e.state !== "present") update.push({ id: e.id, state: "present", renamedTo: null });
  }
  for (const e of gone) {
    let renamedTo: string | null = null;
    if (e.columnName) {
      const table = schema.tables.find((t) => (t.schema ?? "") === e.tableSchema && t.name === e.tableName);
      const goneHere = gone.filter((g) => g.tableSchema === e.tableSchema && g.tableName === e.tableName && g.columnName);
      const fresh = create.filter((c) => c.tableSchema === e.tableSchema && c.tableName === e.tableName && c.columnName);
      // One column gone and one new in the same table: most likely a rename.
      if (table && goneHere.length === 1 && fresh.length === 1) renamedTo = fresh[0]!.columnName;
      // A rename found earlier stands while its new column exists.
      else if (e.state === "renamed" && e.renamedTo && table?.columns.some((c) => c.name === e.renamedTo)) renamedTo = e.renamedTo;
    }
    const state = renamedTo ? "renamed" : "dropped";
    if (e.state !== state || e.renamedTo !== renamedTo) update.push({ id: e.id, state, renamedTo });
  }
  return { create, update };
}
