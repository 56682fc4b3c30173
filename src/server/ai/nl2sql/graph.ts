import type { NlForeignKey, NlSchema, NlTable } from "./types";

/** Foreign keys as an undirected graph, for the joins a question needs. */
export interface Edge {
  from: NlTable;
  to: NlTable;
  /** The key as declared: `owner` holds the columns that reference `target`. */
  owner: NlTable;
  fk: NlForeignKey;
}

export function findTable(schema: NlSchema, name: string, schemaName?: string): NlTable | undefined {
  return (
    schema.tables.find((t) => t.name === name && (!schemaName || !t.schema || t.schema === schemaName)) ??
    schema.tables.find((t) => t.name.toLowerCase() === name.toLowerCase())
  );
}

export function edges(schema: NlSchema, table: NlTable): Edge[] {
  const out: Edge[] = [];
  for (const fk of table.foreignKeys) {
    const target = findTable(schema, fk.referencedTable, fk.referencedSchema);
    if (target && target !== table) out.push({ from: table, to: target, owner: table, fk });
  }
  for (const other of schema.tables) {
    if (other === table) continue;
    for (const fk of other.foreignKeys) {
      const target = findTable(schema, fk.referencedTable, fk.referencedSchema);
      if (target === table) out.push({ from: table, to: other, owner: other, fk });
    }
  }
  return out;
}

/** The shortest chain of joins from `from` to `to` (null when they are not connected). */
export function path(schema: NlSchema, from: NlTable, to: NlTable): Edge[] | null {
  if (from === to) return [];
  const seen = new Set<NlTable>([from]);
  const queue: { table: NlTable; via: Edge[] }[] = [{ table: from, via: [] }];
  while (queue.length) {
    const { table, via } = queue.shift()!;
    // Prefer keys that point outward (many-to-one) first: they do not multiply rows.
    // Then keys that are never null (every row joins), then keys to tables the question named.
    const nullable = (e: Edge) => Number(e.fk.columns.some((c) => e.owner.columns.find((x) => x.name === c)?.nullable));
    const next = edges(schema, table)
      .filter((e) => !e.to.view)
      .sort((a, b) => Number(a.owner !== a.from) - Number(b.owner !== b.from) || nullable(a) - nullable(b));
    for (const e of next) {
      if (seen.has(e.to)) continue;
      const chain = [...via, e];
      if (e.to === to) return chain;
      seen.add(e.to);
      queue.push({ table: e.to, via: chain });
    }
  }
  return null;
}

export function distance(schema: NlSchema, a: NlTable, b: NlTable): number {
  const p = path(schema, a, b);
  return p ? p.length : 99;
}
