import { editDistance, identifierWords, lemma, variants } from "./text";
import type { NlColumn, NlSchema, NlTable } from "./types";

/**
 * Schema linking: every phrase that names a table, a column or a sampled value, from
 * the schema's own names, the dictionary's aliases and synonyms, and the values seen.
 * Phrases are sequences of lemmas, so "order items" finds `order_items`.
 */
export type Target =
  | { kind: "table"; table: NlTable; score: number }
  | { kind: "column"; table: NlTable; column: NlColumn; score: number }
  | { kind: "value"; table: NlTable; column: NlColumn; value: string; score: number };

export interface LinkIndex {
  phrases: Map<string, Target[]>;
  maxLen: number;
  /** Single-word phrases, for fuzzy matching of typos. */
  words: string[];
}

const key = (words: string[]) => words.map(lemma).join(" ");
const GENERIC = new Set(["id", "at", "on", "is", "of", "the", "no", "num", "code", "type", "date", "time", "by", "to", "from", "in"]);

export function buildIndex(schema: NlSchema): LinkIndex {
  const phrases = new Map<string, Target[]>();
  let maxLen = 1;
  const add = (words: string[], target: Target) => {
    if (!words.length) return;
    const k = key(words);
    maxLen = Math.max(maxLen, words.length);
    const list = phrases.get(k) ?? [];
    // Keep one entry per target (the strongest).
    const same = list.findIndex((t) => sameTarget(t, target));
    if (same >= 0) {
      if (list[same]!.score < target.score) list[same] = target;
    } else list.push(target);
    phrases.set(k, list);
  };
  for (const table of schema.tables) {
    const tWords = identifierWords(table.name);
    // A view is found by its own name; its columns should not outrank the base tables'.
    const weight = table.view ? 0.6 : 1;
    add(tWords, { kind: "table", table, score: 1 });
    if (table.alias) add(identifierWords(table.alias), { kind: "table", table, score: 1 });
    for (const s of table.synonyms ?? []) add(identifierWords(s), { kind: "table", table, score: 1 });
    // "tbl_orders", "app_users": a prefix is not part of the thing's name.
    if (tWords.length > 1 && /^(tbl|tb|t|app|dim|fact|fct|stg)$/.test(tWords[0]!)) add(tWords.slice(1), { kind: "table", table, score: 0.9 });
    const tableLemma = tWords.map(lemma);
    for (const column of table.columns) {
      const cWords = identifierWords(column.name);
      add(cWords, { kind: "column", table, column, score: 1 * weight });
      if (column.alias) add(identifierWords(column.alias), { kind: "column", table, column, score: 1 * weight });
      for (const s of column.synonyms ?? []) add(identifierWords(s), { kind: "column", table, column, score: 1 * weight });
      // "order date" for orders.date, "customer name" for customers.name
      add([...tableLemma, ...cWords], { kind: "column", table, column, score: 0.95 * weight });
      // orders.order_date is also "date"; products.unit_price is also "price"
      const rest = cWords.filter((w, i) => !(i < tableLemma.length && lemma(w) === tableLemma[i]));
      if (rest.length && rest.length < cWords.length && !GENERIC.has(rest.join(" "))) add(rest, { kind: "column", table, column, score: 0.8 * weight });
      if (cWords.length > 1) {
        for (const w of cWords) {
          if (GENERIC.has(w) || w.length < 2) continue;
          add([w], { kind: "column", table, column, score: 0.5 * weight });
        }
      }
      for (const v of column.values ?? []) {
        if (!v || v.length > 60 || column.kind !== "text") continue;
        const vWords = identifierWords(v);
        if (vWords.length && vWords.length <= 5) add(vWords, { kind: "value", table, column, value: v, score: 0.9 * weight });
      }
    }
  }
  const words = [...phrases.keys()].filter((k) => !k.includes(" ") && k.length >= 4);
  return { phrases, maxLen: Math.min(maxLen, 6), words };
}

function sameTarget(a: Target, b: Target): boolean {
  if (a.kind !== b.kind || a.table !== b.table) return false;
  if (a.kind === "table") return true;
  if (a.kind === "column") return b.kind === "column" && a.column === b.column;
  return b.kind === "value" && a.column === b.column && a.value === b.value;
}

/** Targets for the words at a position: exact lemmas first, then word forms, then typos. */
export function lookup(index: LinkIndex, words: string[]): { targets: Target[]; fuzzy: boolean } {
  const exact = index.phrases.get(key(words));
  if (exact) return { targets: exact, fuzzy: false };
  if (words.length !== 1) return { targets: [], fuzzy: false };
  const w = words[0]!;
  for (const v of variants(w)) {
    const hit = index.phrases.get(lemma(v));
    if (hit) return { targets: hit.map((t) => ({ ...t, score: t.score * 0.9 })), fuzzy: true };
  }
  if (w.length < 5) return { targets: [], fuzzy: false };
  const max = w.length >= 8 ? 2 : 1;
  let best: string | undefined;
  let bestD = max + 1;
  for (const candidate of index.words) {
    const d = editDistance(lemma(w), candidate, max);
    if (d < bestD) {
      best = candidate;
      bestD = d;
    }
  }
  if (!best) return { targets: [], fuzzy: false };
  return { targets: index.phrases.get(best)!.map((t) => ({ ...t, score: t.score * 0.8 })), fuzzy: true };
}
