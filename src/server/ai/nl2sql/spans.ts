import { findDates, type DateRange } from "./dates";
import type { Lexicon } from "./lexicon";
import { buildIndex, lookup, type LinkIndex, type Target } from "./link";
import { lemma, tokenize, type Token } from "./text";
import type { NlSchema } from "./types";

/**
 * The question cut into spans, each understood as one thing: grammar (aggregate,
 * grouping, ranking, comparison, negation, ordering, a date range), a schema target
 * (table, column, value), a number or a literal, or a word not understood.
 */
export type Agg = "count" | "sum" | "avg" | "max" | "min";
export type Cmp = "gt" | "gte" | "lt" | "lte" | "eq" | "between";
export type Unit = "day" | "week" | "month" | "quarter" | "year";

export type SpanKind =
  | { t: "date"; range: DateRange }
  | { t: "agg"; fn: Agg }
  | { t: "distinct" }
  | { t: "group" }
  | { t: "rank"; dir: "asc" | "desc"; n?: number; time: boolean; word: string }
  | { t: "cmp"; op: Cmp; values: number[] }
  | { t: "neg" }
  | { t: "orderBy" }
  | { t: "dir"; dir: "asc" | "desc" }
  | { t: "schema"; targets: Target[]; fuzzy: boolean }
  | { t: "number"; n: number }
  | { t: "literal"; text: string }
  | { t: "measure"; word: string }
  | { t: "name" }
  | { t: "unit"; unit: Unit }
  | { t: "write"; kind: "delete" | "update" | "insert" | "drop" }
  | { t: "stop" }
  | { t: "unknown"; capitalised: boolean };

export type Span = SpanKind & { start: number; end: number; phrase: string };

export interface Scanned {
  tokens: Token[];
  spans: Span[];
  index: LinkIndex;
}

const indexes = new WeakMap<NlSchema, LinkIndex>();

export function scan(question: string, schema: NlSchema, lex: Lexicon, now: Date): Scanned {
  let index = indexes.get(schema);
  if (!index) {
    index = buildIndex(schema);
    indexes.set(schema, index);
  }
  const tokens = glossed(tokenize(question), lex);
  const taken = tokens.map(() => false);
  const spans: Span[] = [];
  const words = tokens.map((t) => t.norm);
  const phraseLen = (list: string[], i: number) => {
    let best = 0;
    for (const p of list) {
      const parts = p.split(" ");
      if (parts.length > best && parts.every((w, k) => words[i + k] === w && !taken[i + k])) best = parts.length;
    }
    return best;
  };
  const push = (start: number, end: number, kind: SpanKind) => {
    spans.push({ ...kind, start, end, phrase: tokens.slice(start, end).map((t) => t.raw).join(" ") } as Span);
    for (let k = start; k < end; k++) taken[k] = true;
  };
  const num = (t: Token | undefined) => (t?.kind === "number" ? t.num : t && lex.numbers[t.norm] !== undefined ? lex.numbers[t.norm] : undefined);

  // 1. Comparisons with their numbers come before dates, so "over 2000" stays a number.
  for (let i = 0; i < tokens.length; i++) {
    for (const op of ["gte", "lte", "gt", "lt", "eq", "between"] as Cmp[]) {
      const len = phraseLen(lex.comparisons[op], i);
      if (!len) continue;
      const a = num(tokens[i + len]);
      if (a === undefined) {
        // "5 or more": the number comes first
        const before = num(tokens[i - 1]);
        if (before !== undefined && !taken[i - 1] && (op === "gte" || op === "lte")) {
          push(i - 1, i + len, { t: "cmp", op, values: [before] });
          break;
        }
        continue;
      }
      if (op === "between") {
        const andAt = i + len + 1;
        const b = num(tokens[andAt + 1]);
        const bothYears = [a, b].every((v) => v !== undefined && v >= 1900 && v <= 2100 && Number.isInteger(v));
        if (b === undefined || !lex.conjunction.includes(words[andAt] ?? "") || bothYears) continue;
        push(i, andAt + 2, { t: "cmp", op, values: [a, b] });
      } else push(i, i + len + 1, { t: "cmp", op, values: [a] });
      break;
    }
  }
  // 2. Dates.
  for (const d of findDates(tokens, lex, now, taken)) {
    spans.push({ t: "date", range: d.range, start: d.start, end: d.end, phrase: d.phrase });
  }
  // 3. Everything else, longest phrase first at each position.
  const grammar: [string[], (len: number, i: number) => SpanKind][] = [
    ...Object.entries(lex.writes).map(([kind, list]) => [list, () => ({ t: "write", kind })] as [string[], () => SpanKind]),
    [lex.order.by, () => ({ t: "orderBy" })],
    [lex.order.asc, () => ({ t: "dir", dir: "asc" })],
    [lex.order.desc, () => ({ t: "dir", dir: "desc" })],
    ...Object.entries(lex.aggregates).map(([fn, list]) => [list, () => ({ t: "agg", fn })] as [string[], () => SpanKind]),
    [lex.rankDesc, (len, i) => ({ t: "rank", dir: "desc", time: lex.timeRank.includes(words.slice(i, i + len).join(" ")), word: words.slice(i, i + len).join(" ") })],
    [lex.rankAsc, (len, i) => ({ t: "rank", dir: "asc", time: lex.timeRank.includes(words.slice(i, i + len).join(" ")), word: words.slice(i, i + len).join(" ") })],
    [lex.distinct, () => ({ t: "distinct" })],
    [lex.groupBy, () => ({ t: "group" })],
    [lex.negation, () => ({ t: "neg" })],
    ...Object.entries(lex.dates.units).map(([unit, list]) => [list, () => ({ t: "unit", unit })] as [string[], () => SpanKind]),
    [lex.measureWords, (len, i) => ({ t: "measure", word: words.slice(i, i + len).join(" ") })],
    [lex.nameWords, () => ({ t: "name" })],
  ];
  const weakGrammar = new Set(["measure", "name", "unit"]);
  for (let i = 0; i < tokens.length; i++) {
    if (taken[i]) continue;
    const tok = tokens[i]!;
    if (tok.kind === "quoted") {
      push(i, i + 1, { t: "literal", text: tok.raw });
      continue;
    }
    if (tok.kind === "number" || tok.kind === "isodate") {
      push(i, i + 1, { t: "number", n: tok.num ?? Number.NaN });
      continue;
    }
    let best: { len: number; kind: SpanKind } | null = null;
    for (const [list, make] of grammar) {
      const len = phraseLen(list, i);
      if (len && (!best || len > best.len)) best = { len, kind: make(len, i) };
    }
    let schemaHit: { len: number; targets: Target[]; fuzzy: boolean } | null = null;
    for (let n = Math.min(index.maxLen, tokens.length - i); n >= 1; n--) {
      const slice = tokens.slice(i, i + n);
      if (slice.some((t, k) => taken[i + k] || t.kind !== "word")) continue;
      const hit = lookup(index, slice.map((t) => t.norm));
      if (hit.targets.length) {
        schemaHit = { len: n, ...hit };
        break;
      }
    }
    const stop = lex.stopwords.includes(tok.norm);
    const strong = schemaHit && Math.max(...schemaHit.targets.map((t) => t.score)) >= 0.8 && !schemaHit.fuzzy;
    if (schemaHit && (!best || schemaHit.len > best.len || (schemaHit.len === best.len && strong && weakGrammar.has(best.kind.t)))) {
      if (!(stop && schemaHit.len === 1 && !strong)) {
        push(i, i + schemaHit.len, { t: "schema", targets: schemaHit.targets, fuzzy: schemaHit.fuzzy });
        continue;
      }
    }
    if (best) {
      // a number right after "top"/"bottom" belongs to it
      if (best.kind.t === "rank") {
        const after = num(tokens[i + best.len]);
        const before = num(tokens[i - 1]);
        if (after !== undefined && !taken[i + best.len]) {
          push(i, i + best.len + 1, { ...best.kind, n: after });
          continue;
        }
        if (before !== undefined && spans.some((s) => s.start === i - 1 && s.t === "number")) {
          const prev = spans.findIndex((s) => s.start === i - 1);
          if (prev >= 0) spans.splice(prev, 1);
          taken[i - 1] = false;
          push(i - 1, i + best.len, { ...best.kind, n: before });
          continue;
        }
      }
      push(i, i + best.len, best.kind);
      continue;
    }
    if (stop) {
      push(i, i + 1, { t: "stop" });
      continue;
    }
    const wordNum = lex.numbers[tok.norm];
    if (wordNum !== undefined) {
      push(i, i + 1, { t: "number", n: wordNum });
      continue;
    }
    push(i, i + 1, { t: "unknown", capitalised: i > 0 && /^\p{Lu}/u.test(tok.raw) });
  }
  spans.sort((a, b) => a.start - b.start);
  return { tokens, spans, index };
}

/** Glossary words are read as their English equivalent (the schema's language); the raw text stays. */
function glossed(tokens: Token[], lex: Lexicon): Token[] {
  if (!Object.keys(lex.glossary).length) return tokens;
  const out: Token[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const two = i + 1 < tokens.length ? `${tokens[i]!.norm} ${tokens[i + 1]!.norm}` : "";
    const hit2 = two && lex.glossary[two];
    if (hit2) {
      for (const w of hit2.split(" ")) out.push({ ...tokens[i]!, raw: `${tokens[i]!.raw} ${tokens[i + 1]!.raw}`, norm: w, lemma: lemma(w) });
      i++;
      continue;
    }
    const t = tokens[i]!;
    const base = /^([\p{L}]+)-\1$/u.exec(t.norm)?.[1] ?? t.norm;
    const hit = lex.glossary[base] ?? lex.glossary[base.replace(/nya$/, "")];
    if (hit && t.kind === "word") {
      for (const w of hit.split(" ")) out.push({ ...t, norm: w, lemma: lemma(w) });
    } else out.push(t);
  }
  return out;
}
