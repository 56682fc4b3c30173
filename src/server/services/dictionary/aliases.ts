import "server-only";
import { loadDictionary } from "./store";
import type { Principal } from "../principal";

/** One alias (or synonym) a person gave a table or column, for the editor's completion hints. */
export interface DictionaryAlias {
  table: string;
  /** null for a table's own alias. */
  column: string | null;
  alias: string;
  /** "alias" for the entry's alias, "synonym" for one of its synonyms. */
  kind: "alias" | "synonym";
  description: string;
}

const parseList = (text: string): string[] => {
  try {
    const v: unknown = JSON.parse(text);
    return Array.isArray(v) ? v.filter((s): s is string => typeof s === "string" && s.trim() !== "") : [];
  } catch {
    return [];
  }
};

/**
 * Every alias and synonym of a data source's present tables and columns, in one light
 * list: the completion provider needs only the words and where they point, not the
 * whole dictionary. Dropped or renamed entries are left out (their names no longer run).
 */
export async function listAliases(principal: Principal, dataSourceId?: string): Promise<{ dataSourceId: string; aliases: DictionaryAlias[] }> {
  const d = await loadDictionary(principal, dataSourceId);
  const aliases: DictionaryAlias[] = [];
  for (const e of d.entries) {
    if (e.state !== "present") continue;
    const base = { table: e.tableName, column: e.columnName === "" ? null : e.columnName, description: e.description };
    if (e.alias.trim()) aliases.push({ ...base, alias: e.alias.trim(), kind: "alias" });
    for (const s of parseList(e.synonyms)) aliases.push({ ...base, alias: s.trim(), kind: "synonym" });
  }
  return { dataSourceId: d.dataSourceId, aliases };
}
