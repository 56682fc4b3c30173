import "server-only";
import { db } from "../../db";

/**
 * The search index behind a small interface, so the app database's engine can change:
 * this one is SQLite FTS5 (the `SearchIndex` virtual table of the platform migration).
 * A PostgreSQL app database needs an implementation on tsvector/GIN with the same
 * contract; until then search requires the SQLite app database.
 */
export type SearchKind = "query" | "template" | "table" | "column" | "dictionary";

export interface SearchDocument {
  kind: SearchKind;
  refId: string;
  /** The data source the thing belongs to (tables, columns), for permission filtering. */
  dataSourceId?: string | null;
  ownerId?: string | null;
  title: string;
  body: string;
}

export interface SearchHit extends SearchDocument {
  /** bm25 rank (lower is better), as the engine computes it. */
  rank: number;
}

export interface SearchIndexStore {
  /** Replaces every document of `kind` (optionally only those of one data source) in one transaction. */
  replace(kind: SearchKind, docs: SearchDocument[], scope?: { dataSourceId: string }): Promise<void>;
  removeScope(kind: SearchKind, dataSourceId: string): Promise<void>;
  query(terms: string[], kinds: SearchKind[], limit: number): Promise<SearchHit[]>;
}

/** User text to an FTS5 expression: each word a quoted prefix term, any of them matching. */
export function ftsExpression(terms: string[]): string {
  return terms.map((t) => `"${t.replace(/"/g, '""')}"*`).join(" OR ");
}

export const sqliteSearchIndex: SearchIndexStore = {
  async replace(kind, docs, scope) {
    await db.$transaction(async (tx) => {
      if (scope) await tx.$executeRawUnsafe(`DELETE FROM "SearchIndex" WHERE kind = ? AND dataSourceId = ?`, kind, scope.dataSourceId);
      else await tx.$executeRawUnsafe(`DELETE FROM "SearchIndex" WHERE kind = ?`, kind);
      for (const d of docs) {
        await tx.$executeRawUnsafe(
          `INSERT INTO "SearchIndex" (kind, refId, dataSourceId, ownerId, title, body) VALUES (?, ?, ?, ?, ?, ?)`,
          d.kind, d.refId, d.dataSourceId ?? "", d.ownerId ?? "", d.title, d.body,
        );
      }
    });
  },
  async removeScope(kind, dataSourceId) {
    await db.$executeRawUnsafe(`DELETE FROM "SearchIndex" WHERE kind = ? AND dataSourceId = ?`, kind, dataSourceId);
  },
  async query(terms, kinds, limit) {
    if (terms.length === 0 || kinds.length === 0) return [];
    const placeholders = kinds.map(() => "?").join(", ");
    // Titles weigh ten times the body (columns: kind, refId, dataSourceId, ownerId, title, body).
    const rows = await db.$queryRawUnsafe<{ kind: SearchKind; refId: string; dataSourceId: string; ownerId: string; title: string; body: string; rank: number }[]>(
      `SELECT kind, refId, dataSourceId, ownerId, title, body, bm25("SearchIndex", 0, 0, 0, 0, 10.0, 1.0) AS rank
       FROM "SearchIndex" WHERE "SearchIndex" MATCH ? AND kind IN (${placeholders}) ORDER BY rank LIMIT ?`,
      ftsExpression(terms), ...kinds, limit,
    );
    return rows.map((r) => ({ ...r, rank: Number(r.rank), dataSourceId: r.dataSourceId || null, ownerId: r.ownerId || null }));
  },
};
