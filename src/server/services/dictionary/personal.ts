import "server-only";
import { personalByName, type PersonalColumn } from "../access/masking";
import { piiColumns } from "./store";

/**
 * What masking treats as personal on a data source: names that look personal, plus every
 * column the dictionary tags PII (by a person or auto-guess). Untagging never unmasks a
 * column whose name is personal; the dictionary only adds.
 */
export async function personalFromDictionary(dataSourceId: string): Promise<PersonalColumn> {
  const tagged = await piiColumns(dataSourceId);
  if (!tagged.size) return personalByName;
  const byName = new Set([...tagged].map((k) => k.split("\u0000").slice(1).join("\u0000")));
  return (table, column) => personalByName(table, column) || byName.has(`${table.name.toLowerCase()}\u0000${column.toLowerCase()}`);
}
