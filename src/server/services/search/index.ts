import "server-only";
import type { SchemaSnapshot } from "../../connectors/types";
import { appDatabaseProvider } from "../../config/app-database";
import { db } from "../../db";
import { appStateGeneration } from "../../db/changes";
import { readableDataSourceIds } from "../access";
import { requireActingUser, type Principal } from "../principal";
import { postgresSearchIndex, sqliteSearchIndex, type SearchKind, type SearchIndexStore } from "./index-store";

/**
 * Search across saved queries, templates, tables and columns, with relevance and the
 * caller's permissions applied after ranking (a saved query they cannot open, a table of a
 * source they cannot read never shows). The index lives in the app database, so every
 * process sees the same one; each kind is refreshed when its source rows changed (a
 * signature of counts and update times), so writers elsewhere need no hooks.
 * The data dictionary (aliases, descriptions, synonyms of tables and columns) is kind
 * `dictionary`, filtered like tables by the data source it describes.
 */
const stores: Record<ReturnType<typeof appDatabaseProvider>, SearchIndexStore> = { sqlite: sqliteSearchIndex, postgresql: postgresSearchIndex };
const store = (): SearchIndexStore => stores[appDatabaseProvider()];

export const SEARCH_TYPES = ["queries", "templates", "tables", "columns", "dictionary"] as const;
const KIND_OF: Record<string, SearchKind> = { queries: "query", query: "query", templates: "template", template: "template", tables: "table", table: "table", columns: "column", column: "column", dictionary: "dictionary" };
export const searchKindOf = (t: string): SearchKind | undefined => KIND_OF[t.trim().toLowerCase()];

const sigKey = (kind: string) => `search.signature.${kind}`;

async function signatureChanged(kind: string, signature: string): Promise<boolean> {
  const row = await db.appSetting.findUnique({ where: { key: sigKey(kind) } });
  return row?.value !== signature;
}
const saveSignature = (kind: string, signature: string) =>
  db.appSetting.upsert({ where: { key: sigKey(kind) }, create: { key: sigKey(kind), value: signature }, update: { value: signature } });

const parseTags = (t: string) => {
  try {
    return (JSON.parse(t) as string[]).join(" ");
  } catch {
    return "";
  }
};

/**
 * The app-state generation (db/changes.ts) at which the index was last found up to date
 * with no write in between: searches skip the signature checks until any watched write,
 * here or (over the bus) in another process, with a TTL as the backstop.
 */
let upToDateAt: { generation: number; until: number } | null = null;

/** Brings the index up to date with the app state (free when nothing was written since). */
export async function refreshSearchIndex(): Promise<void> {
  const generation = appStateGeneration();
  if (upToDateAt && upToDateAt.generation === generation && upToDateAt.until > Date.now()) return;
  await updateSearchIndex();
  // A refresh that wrote (or overlapped another write) moved the generation: the next search checks again.
  if (appStateGeneration() === generation) upToDateAt = { generation, until: Date.now() + 30_000 };
}

async function updateSearchIndex(): Promise<void> {
  const [q, t] = await Promise.all([
    db.savedQuery.aggregate({ _count: true, _max: { updatedAt: true } }),
    db.queryTemplate.aggregate({ _count: true, _max: { updatedAt: true } }),
  ]);
  const qSig = `${q._count}:${q._max.updatedAt?.toISOString() ?? ""}`;
  if (await signatureChanged("query", qSig)) {
    const rows = await db.savedQuery.findMany({ select: { id: true, ownerId: true, dataSourceId: true, title: true, description: true, sql: true, tags: true } });
    await store().replace("query", rows.map((r) => ({ kind: "query", refId: r.id, ownerId: r.ownerId, dataSourceId: r.dataSourceId, title: r.title, body: `${r.description} ${parseTags(r.tags)} ${r.sql}` })));
    await saveSignature("query", qSig);
  }
  const tSig = `${t._count}:${t._max.updatedAt?.toISOString() ?? ""}`;
  if (await signatureChanged("template", tSig)) {
    const rows = await db.queryTemplate.findMany({ select: { id: true, title: true, description: true, sql: true, tags: true, category: true } });
    await store().replace("template", rows.map((r) => ({ kind: "template", refId: r.id, title: r.title, body: `${r.description} ${r.category} ${parseTags(r.tags)} ${r.sql}` })));
    await saveSignature("template", tSig);
  }
  const d = await db.dictionaryEntry.aggregate({ _count: true, _max: { updatedAt: true } });
  const dSig = `${d._count}:${d._max.updatedAt?.toISOString() ?? ""}`;
  if (await signatureChanged("dictionary", dSig)) {
    // Only what people (or auto-guess) wrote: an entry without words adds nothing to tables/columns.
    const rows = await db.dictionaryEntry.findMany({
      where: { state: { not: "dropped" }, OR: [{ alias: { not: "" } }, { description: { not: "" } }, { synonyms: { not: "[]" } }] },
      select: { id: true, dataSourceId: true, tableName: true, columnName: true, alias: true, description: true, synonyms: true },
    });
    await store().replace("dictionary", rows.map((r) => ({
      kind: "dictionary", refId: `${r.dataSourceId}:${r.tableName}${r.columnName ? `.${r.columnName}` : ""}`, dataSourceId: r.dataSourceId,
      title: r.alias || (r.columnName ? `${r.tableName}.${r.columnName}` : r.tableName),
      body: `${r.tableName}${r.columnName ? ` ${r.columnName}` : ""} ${r.description} ${parseTags(r.synonyms)}`,
    })));
    await saveSignature("dictionary", dSig);
  }
  // Tables and columns: per data source, by the time of its last schema sync.
  const sources = await db.dataSource.findMany({ select: { id: true, name: true, lastSyncedAt: true } });
  const sSig = sources.map((s) => `${s.id}@${s.lastSyncedAt?.toISOString() ?? ""}`).sort().join(",");
  if (await signatureChanged("schema", sSig)) {
    const known = new Map(((await db.appSetting.findUnique({ where: { key: sigKey("schema.sources") } }))?.value ?? "").split(",").filter(Boolean).map((e) => e.split("@") as [string, string]));
    for (const s of sources) {
      const stamp = s.lastSyncedAt?.toISOString() ?? "";
      if (known.get(s.id) === stamp) continue;
      const row = await db.dataSource.findUnique({ where: { id: s.id }, select: { schemaCache: true } });
      const snapshot = row?.schemaCache ? (JSON.parse(row.schemaCache) as SchemaSnapshot) : { tables: [] };
      const tables = snapshot.tables ?? [];
      await store().replace("table", tables.map((tb) => ({
        kind: "table", refId: `${s.id}:${tb.schema ? `${tb.schema}.` : ""}${tb.name}`, dataSourceId: s.id, title: tb.name,
        body: `${tb.schema ?? ""} ${tb.type} in ${s.name} ${tb.columns.map((c) => c.name).join(" ")}`,
      })), { dataSourceId: s.id });
      await store().replace("column", tables.flatMap((tb) => tb.columns.map((c) => ({
        kind: "column" as const, refId: `${s.id}:${tb.schema ? `${tb.schema}.` : ""}${tb.name}.${c.name}`, dataSourceId: s.id, title: c.name,
        body: `${tb.name} ${c.type} in ${s.name}`,
      }))), { dataSourceId: s.id });
    }
    const present = new Set(sources.map((s) => s.id));
    for (const id of known.keys()) {
      if (present.has(id)) continue;
      await store().removeScope("table", id);
      await store().removeScope("column", id);
    }
    await db.appSetting.upsert({ where: { key: sigKey("schema.sources") }, create: { key: sigKey("schema.sources"), value: sSig }, update: { value: sSig } });
    await saveSignature("schema", sSig);
  }
}

export interface SearchResult {
  type: SearchKind;
  id: string;
  title: string;
  snippet: string;
  dataSourceId: string | null;
  relevance: number;
}

/**
 * bm25 scores words, not names: searching "orders" ranked columns called order_id above
 * the table called orders. A title that is the query ranks first, one made of all its
 * words next, one starting with it after; the rest keep their bm25 order. Between equals,
 * a table (or what the dictionary says of it) comes before a column of the same name.
 */
const KIND_WEIGHT: Record<SearchKind, number> = { table: 1.25, dictionary: 1.25, query: 1.1, template: 1.1, column: 1 };

export function titleBoost(title: string, terms: string[]): number {
  const words = title.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  const query = terms.join(" ").replace(/_/g, " ");
  const name = words.join(" ");
  if (name === query) return 4;
  const wordSet = new Set(words);
  const queryWords = query.split(" ");
  if (queryWords.every((w) => wordSet.has(w))) return 2;
  if (name.startsWith(query)) return 1.5;
  return 1;
}

export async function search(principal: Principal, input: { q: string; types?: string[]; limit?: number }): Promise<SearchResult[]> {
  const user = requireActingUser(principal);
  const terms = input.q.toLowerCase().split(/[^\p{L}\p{N}_]+/u).filter((t) => t.length > 0).slice(0, 12);
  const kinds = [...new Set((input.types?.length ? input.types : [...SEARCH_TYPES]).map(searchKindOf).filter((k): k is SearchKind => !!k))];
  const limit = Math.min(Math.max(input.limit ?? 20, 1), 100);
  if (terms.length === 0) return [];
  await refreshSearchIndex();
  // Ranked first, filtered after: ask for more than the limit so filtering leaves enough.
  const hits = await store().query(terms, kinds, limit * 5 + 50);
  const readable = await readableDataSourceIds(user);
  const mayRead = (id: string | null) => !id || readable === "all" || readable.includes(id);
  const queryIds = hits.filter((h) => h.kind === "query").map((h) => h.refId);
  const visibleQueries = new Set(
    queryIds.length === 0
      ? []
      : (await db.savedQuery.findMany({
          where: { id: { in: queryIds }, ...(user.role === "admin" ? {} : { OR: [{ ownerId: user.id }, { shares: { some: { userId: user.id } } }] }) },
          select: { id: true },
        })).map((r) => r.id),
  );
  const visible = hits
    .filter((h) => (h.kind === "query" ? visibleQueries.has(h.refId) : h.kind === "template" ? true : mayRead(h.dataSourceId ?? null)))
    .map((h) => ({ ...h, rank: h.rank * titleBoost(h.title, terms) * KIND_WEIGHT[h.kind] }))
    .sort((a, b) => a.rank - b.rank)
    .slice(0, limit);
  // bm25 is relative to the corpus (a word in most documents scores near zero), so the
  // relevance shown is each hit's score over the best visible one's: 1 for the top hit.
  const best = Math.max(0, ...visible.map((h) => -h.rank));
  const out: SearchResult[] = visible.map((h, i) => ({
    type: h.kind,
    id: h.refId,
    title: h.title,
    snippet: h.body.replace(/\s+/g, " ").trim().slice(0, 160),
    dataSourceId: h.dataSourceId ?? null,
    relevance: Math.max(0.001, Math.round((best > 0 ? Math.max(0, -h.rank) / best : 1 / (1 + i)) * 1000) / 1000),
  }));
  return out;
}
