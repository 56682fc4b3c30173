import "server-only";
import { db } from "../../db";

/**
 * The search index behind a small interface, one implementation per app-database engine:
 * SQLite FTS5 (the `SearchIndex` virtual table of the platform migration) and PostgreSQL
 * full-text search (a `SearchIndex` table with a generated, GIN-indexed tsvector; see
 * prisma/postgresql/migrations/*_search_index). Neither table is a Prisma model.
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
  /** Rank, lower is better: SQLite's bm25, or PostgreSQL's ts_rank negated. */
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

/** User words to a tsquery: each word a prefix term (split where the parser splits, at `_`), any of them matching. */
export function tsQueryExpression(terms: string[]): string {
  return terms
    .map((t) => t.split(/[^\p{L}\p{N}]+/u).filter(Boolean).map((w) => `${w}:*`).join(" & "))
    .filter(Boolean)
    .map((t) => `(${t})`)
    .join(" | ");
}

const PG_INSERT_CHUNK = 500;

export const postgresSearchIndex: SearchIndexStore = {
  async replace(kind, docs, scope) {
    await db.$transaction(async (tx) => {
      if (scope) await tx.$executeRawUnsafe(`DELETE FROM "SearchIndex" WHERE kind = $1 AND "dataSourceId" = $2`, kind, scope.dataSourceId);
      else await tx.$executeRawUnsafe(`DELETE FROM "SearchIndex" WHERE kind = $1`, kind);
      // Multi-row inserts: a schema of thousands of columns is one statement per 500, not per column.
      for (let i = 0; i < docs.length; i += PG_INSERT_CHUNK) {
        const chunk = docs.slice(i, i + PG_INSERT_CHUNK);
        const values = chunk.map((_, j) => `(${[1, 2, 3, 4, 5, 6].map((k) => `$${j * 6 + k}`).join(", ")})`).join(", ");
        await tx.$executeRawUnsafe(
          `INSERT INTO "SearchIndex" (kind, "refId", "dataSourceId", "ownerId", title, body) VALUES ${values}`,
          ...chunk.flatMap((d) => [d.kind, d.refId, d.dataSourceId ?? "", d.ownerId ?? "", d.title, d.body]),
        );
      }
    });
  },
  async removeScope(kind, dataSourceId) {
    await db.$executeRawUnsafe(`DELETE FROM "SearchIndex" WHERE kind = $1 AND "dataSourceId" = $2`, kind, dataSourceId);
  },
  async query(terms, kinds, limit) {
    const expression = tsQueryExpression(terms);
    if (!expression || kinds.length === 0) return [];
    const placeholders = kinds.map((_, i) => `$${i + 2}`).join(", ");
    // Titles (weight A) weigh ten times the body (weight B), as in the SQLite index.
    const rows = await db.$queryRawUnsafe<{ kind: SearchKind; refId: string; dataSourceId: string; ownerId: string; title: string; body: string; rank: number }[]>(
      `SELECT kind, "refId", "dataSourceId", "ownerId", title, body, -ts_rank('{0, 0, 0.1, 1}', document, q) AS rank
       FROM "SearchIndex", to_tsquery('english', $1) q
       WHERE document @@ q AND kind IN (${placeholders}) ORDER BY rank LIMIT $${kinds.length + 2}`,
      expression, ...kinds, limit,
    );
    return rows.map((r) => ({ ...r, rank: Number(r.rank), dataSourceId: r.dataSourceId || null, ownerId: r.ownerId || null }));
  },
};
