import "server-only";
import type { DictionaryEntry } from "@prisma/client";
import type { DictionaryFacts } from "../../ai/nl2sql/from-schema";
import type { NlSchema } from "../../ai/nl2sql";

const list = (text: string): string[] => {
  try {
    const v = JSON.parse(text);
    return Array.isArray(v) ? v.map(String) : [];
  } catch {
    return [];
  }
};

/**
 * The dictionary as the engines see it. Personal columns contribute no values (their
 * stored samples are masked anyway), so no answer or prompt can carry them.
 */
export function factsOf(entries: DictionaryEntry[]): DictionaryFacts[] {
  return entries
    .filter((e) => e.state === "present")
    .map((e) => {
      const tags = list(e.tags);
      return {
        tableSchema: e.tableSchema || undefined,
        tableName: e.tableName,
        columnName: e.columnName,
        alias: e.alias || undefined,
        synonyms: list(e.synonyms),
        tags,
        values: tags.includes("PII") ? [] : list(e.sampleValues),
      };
    });
}

/**
 * The slice of the dictionary a model prompt carries: the tables schema linking picked
 * (plus the tables they join to), columns with types, aliases, tags and a few non-personal
 * sample values; personal columns are named but their values are never included.
 */
export function promptSchema(schema: NlSchema, tables: string[], descriptions: Map<string, string>): string {
  const wanted = new Set(tables);
  const picked = schema.tables.filter((t) => !wanted.size || wanted.has(t.name) || wanted.has(`${t.schema}.${t.name}`));
  // add tables the picked ones reference, so joins can be written
  for (const t of [...picked]) {
    for (const fk of t.foreignKeys) {
      const target = schema.tables.find((x) => x.name === fk.referencedTable);
      if (target && !picked.includes(target)) picked.push(target);
    }
  }
  const lines: string[] = [];
  for (const t of picked.slice(0, 30)) {
    const name = t.schema ? `${t.schema}.${t.name}` : t.name;
    lines.push(`TABLE ${name}${t.alias ? ` -- ${t.alias}` : ""}${descriptions.get(name) ? `: ${descriptions.get(name)}` : ""}`);
    for (const c of t.columns) {
      const pii = (c.tags ?? []).includes("PII");
      const fk = t.foreignKeys.find((f) => f.columns.includes(c.name));
      const notes = [
        c.primaryKey ? "primary key" : "",
        fk ? `references ${fk.referencedTable}.${fk.referencedColumns[0]}` : "",
        c.alias ? `alias "${c.alias}"` : "",
        (c.tags ?? []).length ? `tags ${c.tags!.join("/")}` : "",
        pii ? "personal data: values withheld" : c.values?.length ? `values e.g. ${c.values.slice(0, 8).map((v) => JSON.stringify(v.slice(0, 40))).join(", ")}` : "",
      ].filter(Boolean);
      lines.push(`  ${c.name} ${c.type}${notes.length ? ` -- ${notes.join("; ")}` : ""}`);
    }
  }
  return lines.join("\n");
}
