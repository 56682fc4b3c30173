import "server-only";
import { personalByName, type PersonalColumn } from "../access/masking";
import { ReadCache } from "../../db/read-cache";
import { piiColumns } from "./store";

// Every reader's read asks this; the tags change only by app-state writes, which drop the entry.
const taggedColumns = new ReadCache<string, Set<string>>(piiColumns, { max: 500, ttlMs: 30_000 });

/**
 * What masking treats as personal on a data source: names that look personal, plus every
 * column the dictionary tags PII (by a person or auto-guess). Untagging never unmasks a
 * column whose name is personal; the dictionary only adds.
 */
export async function personalFromDictionary(dataSourceId: string): Promise<PersonalColumn> {
  const tagged = await taggedColumns.get(dataSourceId);
  if (!tagged.size) return personalByName;
  const byName = new Set([...tagged].map((k) => k.split("\u0000").slice(1).join("\u0000")));
  return (table, column) => personalByName(table, column) || byName.has(`${table.name.toLowerCase()}\u0000${column.toLowerCase()}`);
}
