import type { Engine } from "../types";

const PLAIN = /^[a-z_][a-z0-9_$]*$/;

/** Quotes an identifier only when it needs it, in the data source's dialect. */
export function quoteIdent(name: string, engine: Engine | undefined): string {
  if (PLAIN.test(name) && !RESERVED.has(name.toUpperCase())) return name;
  if (engine === "mysql") return `\`${name.replace(/`/g, "``")}\``;
  return `"${name.replace(/"/g, '""')}"`;
}

/** `schema.table`, leaving out the schema engines show by default. */
export function qualifiedName(table: { schema?: string; name: string }, engine: Engine | undefined): string {
  const hidden = !table.schema || table.schema === "public" || table.schema === "main" || engine === "sqlite";
  const name = quoteIdent(table.name, engine);
  return hidden ? name : `${quoteIdent(table.schema!, engine)}.${name}`;
}

const RESERVED = new Set(
  "ALL AND AS ASC BETWEEN BY CASE CHECK COLUMN CONSTRAINT CREATE CROSS DEFAULT DELETE DESC DISTINCT DROP ELSE END EXCEPT EXISTS FOR FOREIGN FROM FULL GROUP HAVING IN INDEX INNER INSERT INTERSECT INTO IS JOIN KEY LEFT LIKE LIMIT NOT NULL OFFSET ON OR ORDER OUTER PRIMARY REFERENCES RIGHT SELECT SET TABLE THEN TO UNION UNIQUE UPDATE USER USING VALUES WHEN WHERE WITH".split(
    " ",
  ),
);
