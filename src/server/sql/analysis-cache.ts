import "server-only";
import { analyzeSql } from "./analyze";
import type { FunctionCatalog } from "./function-catalog";
import { outsideDatabaseReasons } from "./outside-database";
import { checkReadPolicy, type ReadPolicyVerdict } from "./read-policy";
import type { SqlAnalysis, SqlDialect } from "./types";

/**
 * The analysis of a statement depends on nothing but its text and dialect (and, for the
 * read policy, the function catalogue it is checked against), and an API client sends
 * the same statements again and again: parsing was the largest cost of a read after
 * the app database. Results are kept in bounded LRU maps and deep-frozen, so a caller
 * that tried to change a shared analysis fails loudly instead of altering the next
 * caller's verdict. Long statements are not kept (they are rare and would crowd out
 * the rest).
 */
const MAX_ENTRIES = 2_000;
const MAX_CACHED_SQL = 20_000;

class Lru<V> {
  private map = new Map<string, V>();
  get(key: string): V | undefined {
    const hit = this.map.get(key);
    if (hit !== undefined) {
      this.map.delete(key);
      this.map.set(key, hit);
    }
    return hit;
  }
  set(key: string, value: V): void {
    if (this.map.size >= MAX_ENTRIES) this.map.delete(this.map.keys().next().value!);
    this.map.set(key, value);
  }
  clear(): void {
    this.map.clear();
  }
}

function deepFreeze<T>(value: T, seen = new Set<unknown>()): T {
  if (value === null || typeof value !== "object" || seen.has(value)) return value;
  seen.add(value);
  for (const child of Object.values(value as object)) deepFreeze(child, seen);
  return Object.freeze(value);
}

const analyses = new Lru<SqlAnalysis>();
const outside = new Lru<readonly string[]>();
/** Per catalogue object: a refreshed catalogue is a new object, so its verdicts start afresh. */
const verdicts = new WeakMap<FunctionCatalog, Lru<ReadPolicyVerdict>>();
const staticVerdicts = new Lru<ReadPolicyVerdict>();

const keyOf = (dialect: string, sql: string) => `${dialect}\u0000${sql}`;

/** `analyzeSql`, shared and frozen. */
export function analyzeSqlCached(sql: string, dialect: SqlDialect): SqlAnalysis {
  if (sql.length > MAX_CACHED_SQL) return analyzeSql(sql, dialect);
  const key = keyOf(dialect, sql);
  let hit = analyses.get(key);
  if (!hit) {
    hit = deepFreeze(analyzeSql(sql, dialect));
    analyses.set(key, hit);
  }
  return hit;
}

/** `outsideDatabaseReasons`, shared and frozen. */
export function outsideDatabaseReasonsCached(sql: string, dialect: SqlDialect): readonly string[] {
  if (sql.length > MAX_CACHED_SQL) return outsideDatabaseReasons(sql, dialect);
  const key = keyOf(dialect, sql);
  let hit = outside.get(key);
  if (!hit) {
    hit = Object.freeze([...outsideDatabaseReasons(sql, dialect)]);
    outside.set(key, hit);
  }
  return hit;
}

/**
 * `checkReadPolicy` for a statement of a cached analysis. A statement without a cached
 * analysis behind it (no AST identity to trust) is checked afresh.
 */
export function checkReadPolicyCached(
  statement: { text: string; ast?: unknown },
  dialect: SqlDialect,
  catalog: FunctionCatalog | null,
): ReadPolicyVerdict {
  if (statement.text.length > MAX_CACHED_SQL) return checkReadPolicy(statement, dialect, catalog);
  let lru = catalog ? verdicts.get(catalog) : staticVerdicts;
  if (!lru) {
    lru = new Lru<ReadPolicyVerdict>();
    verdicts.set(catalog!, lru);
  }
  // The verdict depends on the statement's text (its AST is parsed from that text).
  const key = keyOf(dialect, statement.text);
  let hit = lru.get(key);
  if (!hit) {
    hit = deepFreeze(checkReadPolicy(statement, dialect, catalog));
    lru.set(key, hit);
  }
  return hit;
}

export function clearAnalysisCaches(): void {
  analyses.clear();
  outside.clear();
  staticVerdicts.clear();
}
