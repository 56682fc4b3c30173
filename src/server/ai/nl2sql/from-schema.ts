import type { SchemaSnapshot } from "../../connectors/types";
import { kindOfType } from "./kinds";
import type { Dialect, NlSchema } from "./types";

/** What the dictionary knows about one table or column (columnName "" for the table). */
export interface DictionaryFacts {
  tableSchema?: string;
  tableName: string;
  columnName: string;
  alias?: string;
  synonyms?: string[];
  tags?: string[];
  values?: string[];
}

/** The engine's view of a data source: its schema, enriched by the dictionary. */
export function nlSchemaOf(snapshot: SchemaSnapshot, dialect: Dialect, facts: DictionaryFacts[] = [], defaultSchemas: string[] = []): NlSchema {
  const key = (schema: string | undefined, table: string, column: string) => `${schema ?? ""}\u0000${table}\u0000${column}`;
  const byKey = new Map(facts.map((f) => [key(f.tableSchema || undefined, f.tableName, f.columnName), f]));
  return {
    dialect,
    defaultSchemas: dialect === "postgres" ? ["public", ...defaultSchemas] : defaultSchemas,
    tables: snapshot.tables.map((t) => {
      const tf = byKey.get(key(t.schema, t.name, ""));
      return {
        schema: t.schema,
        name: t.name,
        view: t.type === "view",
        alias: tf?.alias || undefined,
        synonyms: tf?.synonyms ?? [],
        foreignKeys: t.foreignKeys,
        columns: t.columns.map((c) => {
          const cf = byKey.get(key(t.schema, t.name, c.name));
          return {
            name: c.name,
            type: c.type,
            kind: kindOf(c.name, c.type, cf?.tags),
            nullable: c.nullable,
            primaryKey: c.primaryKey || t.primaryKey.includes(c.name),
            alias: cf?.alias || undefined,
            synonyms: cf?.synonyms ?? [],
            tags: cf?.tags ?? [],
            values: cf?.values ?? [],
          };
        }),
      };
    }),
  };
}

/** SQLite keeps dates as text: a text column named like a date, or tagged `time`, is one. */
function kindOf(name: string, type: string, tags: string[] = []) {
  const kind = kindOfType(type);
  if (kind !== "text") return kind;
  if (tags.includes("time") || /(^|_)(date|datetime|timestamp|time)$|_(at|on)$|^(date|dob)_|_date_/i.test(name)) return "date" as const;
  return kind;
}
