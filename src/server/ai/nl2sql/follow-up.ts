import { pickLexicon } from "./lexicon";
import { scan, type Scanned, type Span } from "./spans";
import type { Token } from "./text";
import type { NlSchema } from "./types";

/**
 * Follow-ups in a conversation for the built-in engine. The state of the last question
 * is the question as the engine understood it; a follow-up ("only 2024", "break it down
 * by region", "top 3 instead", "as a chart") is scanned with the same grammar and each
 * of its clauses replaces the clause of the same kind in that question (a date range,
 * a ranking, an aggregate, a sort direction, a value of the same column) or is added to
 * it (a grouping, a comparison, a new filter). The composed question is then translated
 * like any other, so refinements work on every schema the engine understands.
 */
export type ChartKind = "bar" | "line" | "pie" | "auto";

export interface ConversationState {
  /** The last question as the engine answered it (follow-ups already folded in). */
  question: string;
  language: string;
  dataSourceId: string;
  sql: string | null;
  chart: ChartKind | null;
}

export interface Composition {
  /** The question to translate. */
  question: string;
  followUp: boolean;
  /** A chart was asked for ("as a chart", "show it as a pie"). */
  chart: ChartKind | null;
  /** Only a chart was asked for: the previous SQL stands. */
  sameQuery: boolean;
  /** What the follow-up changed, in words ("date range → in 2024"). */
  changes: string[];
}

interface Cues {
  followUp: RegExp;
  instead: RegExp;
  chart: RegExp;
  chartKinds: [RegExp, ChartKind][];
}

const CUES: Record<string, Cues> = {
  en: {
    followUp: /\b(instead|only|just|also|too|now|then|same|what about|how about|and (?:by|for|per|in|only|just)|break (?:it|this|that|them|these|those) down|split (?:it|this|that|them)|as an? \w*\s*(?:chart|graph|plot)|(?:chart|graph|plot|visuali[sz]e) (?:it|this|that|them))\b/i,
    instead: /\b(instead|rather|replace)\b/i,
    chart: /\b(chart|graph|plot|visuali[sz]e|visuali[sz]ation)\b/i,
    chartKinds: [[/\bpie\b/i, "pie"], [/\b(line|trend|over time)\b/i, "line"], [/\b(bar|column|histogram)\b/i, "bar"]],
  },
  id: {
    followUp: /\b(saja|hanya|cuma|juga|sekarang|bagaimana dengan|kalau|sebagai (?:grafik|diagram|chart)|dipecah|rinci(?:kan)?)\b/i,
    instead: /\b(saja|ganti|sebagai gantinya)\b/i,
    chart: /\b(grafik|diagram|chart|bagan)\b/i,
    chartKinds: [[/\b(pai|lingkaran|pie)\b/i, "pie"], [/\b(garis|line|tren)\b/i, "line"], [/\b(batang|bar|kolom)\b/i, "bar"]],
  },
};

const CHART_PHRASE = /\b(?:(?:as|in|into|on)\s+)?(?:an?\s+)?(?:pie|line|bar|column|trend|grafik|diagram)?\s*(?:chart|graph|plot|grafik|diagram|bagan)\b/gi;

/** Span kinds that carry meaning of their own (the rest is glue: stop words, unknown words). */
type Clause = { kind: "date" | "rank" | "agg" | "dir" | "group" | "cmp" | "value" | "column" | "neg" | "table" | "other"; spans: Span[]; column?: string };

function clauses(sc: Scanned): Clause[] {
  const out: Clause[] = [];
  const spans = sc.spans.filter((s) => s.t !== "stop" && s.t !== "unknown");
  for (let i = 0; i < spans.length; i++) {
    const s = spans[i]!;
    const next = spans[i + 1];
    const attachNext = () => {
      if (next && (next.t === "schema" || next.t === "unit" || next.t === "measure" || next.t === "name" || next.t === "literal")) {
        i++;
        return [s, next];
      }
      return [s];
    };
    switch (s.t) {
      case "date":
        out.push({ kind: "date", spans: [s] });
        break;
      case "rank":
        out.push({ kind: "rank", spans: [s] });
        break;
      case "agg":
        out.push({ kind: "agg", spans: attachNext() });
        break;
      case "dir":
        out.push({ kind: "dir", spans: [s] });
        break;
      case "group":
      case "orderBy":
        out.push({ kind: s.t === "group" ? "group" : "other", spans: attachNext() });
        break;
      case "unit":
        out.push({ kind: "group", spans: [s] });
        break;
      case "cmp":
        out.push({ kind: "cmp", spans: attachNext() });
        break;
      case "neg":
        out.push({ kind: "neg", spans: attachNext() });
        break;
      case "schema": {
        const best = [...s.targets].sort((a, b) => b.score - a.score)[0]!;
        if (best.kind === "value") out.push({ kind: "value", spans: [s], column: `${best.table.name}.${best.column.name}` });
        else if (best.kind === "table") out.push({ kind: "table", spans: [s] });
        else out.push({ kind: "column", spans: [s], column: `${best.table.name}.${best.column.name}` });
        break;
      }
      default:
        out.push({ kind: "other", spans: [s] });
    }
  }
  return out;
}

const rawOf = (tokens: Token[], from: number, to: number) =>
  tokens
    .slice(from, to)
    .map((t) => (t.kind === "quoted" ? `'${t.raw.replace(/'/g, "")}'` : t.raw))
    .join(" ");

const textOf = (tokens: Token[], c: Clause) => rawOf(tokens, c.spans[0]!.start, c.spans.at(-1)!.end);

/** Does `text` continue the conversation rather than start a new question? */
function isFollowUp(text: string, cues: Cues, own: Clause[]): boolean {
  if (cues.followUp.test(text) || cues.chart.test(text)) return true;
  // No subject of its own (no table, no aggregate): it can only refine the last one.
  return !own.some((c) => c.kind === "table" || c.kind === "agg");
}

export function composeFollowUp(prev: ConversationState | null, text: string, schema: NlSchema, options: { now?: Date; language?: string } = {}): Composition {
  const trimmed = text.trim();
  const lex = pickLexicon(prev ? `${prev.question} ${trimmed}` : trimmed, options.language ?? prev?.language);
  const cues = CUES[lex.language] ?? CUES.en!;
  const now = options.now ?? new Date();
  const chartAsked = cues.chart.test(trimmed) ? (cues.chartKinds.find(([re]) => re.test(trimmed))?.[1] ?? "auto") : null;
  if (!prev) return { question: trimmed, followUp: false, chart: chartAsked, sameQuery: false, changes: [] };

  // The chart words say how to show the answer, not what to ask: they are not scanned.
  const asked = trimmed.replace(CHART_PHRASE, " ").replace(cues.chart, " ");
  const next = scan(asked, schema, lex, now);
  const own = clauses(next);
  if (!isFollowUp(trimmed, cues, own)) return { question: trimmed, followUp: false, chart: chartAsked, sameQuery: false, changes: [] };

  const base = scan(prev.question, schema, lex, now);
  const baseClauses = clauses(base);
  const instead = cues.instead.test(trimmed);
  // token index → replacement text ("" removes); additions go to the end, rankings to the front
  const replaced = new Map<number, { end: number; text: string }>();
  const prefix: string[] = [];
  const suffix: string[] = [];
  const changes: string[] = [];
  const replaceKind = (kind: Clause["kind"], textFor: string, filter: (c: Clause) => boolean = () => true): boolean => {
    const targets = baseClauses.filter((c) => c.kind === kind && filter(c));
    targets.forEach((c, i) => replaced.set(c.spans[0]!.start, { end: c.spans.at(-1)!.end, text: i === 0 ? textFor : "" }));
    return targets.length > 0;
  };
  const has = (phrase: string) => prev.question.toLowerCase().includes(phrase.toLowerCase());

  for (const c of own) {
    const phrase = textOf(next.tokens, c);
    switch (c.kind) {
      case "date":
        if (!replaceKind("date", phrase)) suffix.push(phrase);
        changes.push(`period: ${phrase}`);
        break;
      case "rank":
        if (!replaceKind("rank", phrase)) prefix.push(phrase);
        changes.push(`ranking: ${phrase}`);
        break;
      case "agg":
        if (!replaceKind("agg", phrase)) prefix.push(phrase);
        changes.push(`measure: ${phrase}`);
        break;
      case "dir":
        if (!replaceKind("dir", phrase)) suffix.push(phrase);
        changes.push(`order: ${phrase}`);
        break;
      case "group": {
        const grouping = c.spans[0]!.t === "unit" ? phrase : phrase;
        if (instead) replaceKind("group", grouping);
        else if (!has(grouping)) suffix.push(grouping);
        if (instead && !baseClauses.some((b) => b.kind === "group")) suffix.push(grouping);
        changes.push(`grouping: ${grouping}`);
        break;
      }
      case "value": {
        // a value of a column already filtered replaces that filter ("only Europe" after "Asia")
        if (!replaceKind("value", phrase, (b) => b.column === c.column)) suffix.push(phrase);
        changes.push(`filter: ${phrase}`);
        break;
      }
      case "cmp":
      case "neg":
      case "column":
        if (!has(phrase)) suffix.push(phrase);
        changes.push(`${c.kind === "column" ? "column" : "filter"}: ${phrase}`);
        break;
      case "table":
        if (!has(phrase)) suffix.push(phrase);
        break;
      default:
        break;
    }
  }

  const parts: string[] = [...prefix];
  for (let i = 0; i < base.tokens.length; ) {
    const r = replaced.get(i);
    if (r) {
      if (r.text) parts.push(r.text);
      i = r.end;
      continue;
    }
    parts.push(rawOf(base.tokens, i, i + 1));
    i++;
  }
  parts.push(...suffix);
  const question = parts.filter(Boolean).join(" ");
  const sameQuery = changes.length === 0 && chartAsked !== null;
  if (chartAsked) changes.push(`chart: ${chartAsked}`);
  return { question: sameQuery ? prev.question : question, followUp: true, chart: chartAsked ?? prev.chart, sameQuery, changes };
}
