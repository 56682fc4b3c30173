import type { Lexicon } from "./lexicon";
import type { Token } from "./text";

/**
 * The engine's own date grammar: "in 2024", "Q3 2024", "March 2024", "last month",
 * "this year", "since March", "before 2023", "last 30 days", "between 2023 and 2024",
 * ISO dates. A range is half-open [from, to), as ISO text, so the same comparison
 * works on every engine (and on SQLite's text dates).
 */
export interface DateRange {
  from?: string;
  to?: string;
}

export interface DateSpan {
  start: number;
  end: number;
  range: DateRange;
  phrase: string;
}

type Unit = "day" | "week" | "month" | "quarter" | "year";

const iso = (d: Date) => d.toISOString().slice(0, 10);
const utc = (y: number, m: number, d = 1) => new Date(Date.UTC(y, m - 1, d));
const isYear = (t: Token | undefined) => !!t && t.kind === "number" && Number.isInteger(t.num) && t.num! >= 1900 && t.num! <= 2100 && !/[.,%]/.test(t.raw);

function unitRange(unit: Unit, now: Date, offset: number): DateRange {
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth() + 1;
  const d = now.getUTCDate();
  switch (unit) {
    case "day":
      return { from: iso(utc(y, m, d + offset)), to: iso(utc(y, m, d + offset + 1)) };
    case "week": {
      const monday = d - ((now.getUTCDay() + 6) % 7);
      return { from: iso(utc(y, m, monday + 7 * offset)), to: iso(utc(y, m, monday + 7 * offset + 7)) };
    }
    case "month":
      return { from: iso(utc(y, m + offset)), to: iso(utc(y, m + offset + 1)) };
    case "quarter": {
      const q = Math.floor((m - 1) / 3) * 3 + 1;
      return { from: iso(utc(y, q + 3 * offset)), to: iso(utc(y, q + 3 * offset + 3)) };
    }
    case "year":
      return { from: iso(utc(y + offset, 1)), to: iso(utc(y + offset + 1, 1)) };
  }
}

function lastN(unit: Unit, n: number, now: Date): DateRange {
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth() + 1;
  const d = now.getUTCDate();
  const to = iso(utc(y, m, d + 1));
  switch (unit) {
    case "day":
      return { from: iso(utc(y, m, d - n + 1)), to };
    case "week":
      return { from: iso(utc(y, m, d - 7 * n + 1)), to };
    case "month":
      return { from: iso(utc(y, m - n, d + 1)), to };
    case "quarter":
      return { from: iso(utc(y, m - 3 * n, d + 1)), to };
    case "year":
      return { from: iso(utc(y - n, m, d + 1)), to };
  }
}

export function findDates(tokens: Token[], lex: Lexicon, now: Date, taken: boolean[]): DateSpan[] {
  const words = tokens.map((t) => t.norm);
  const unitOf = (w: string | undefined): Unit | undefined =>
    w === undefined ? undefined : (Object.entries(lex.dates.units).find(([, list]) => list.includes(w))?.[0] as Unit | undefined);
  const monthOf = (w: string | undefined) => (w === undefined ? undefined : lex.dates.months[w.replace(/\.$/, "")]);
  const phraseAt = (list: string[], i: number): number => {
    // Longest entry of `list` that starts at i; returns its length in tokens (0 when none).
    let best = 0;
    for (const p of list) {
      const parts = p.split(" ");
      if (parts.length > best && parts.every((w, k) => words[i + k] === w)) best = parts.length;
    }
    return best;
  };

  /** A point or period at i: returns the range and how many tokens it used. */
  const period = (i: number): { range: DateRange; len: number } | null => {
    const t = tokens[i];
    if (!t) return null;
    if (t.kind === "isodate") {
      const d = new Date(`${t.raw}T00:00:00Z`);
      if (Number.isNaN(d.getTime())) return null;
      return { range: { from: t.raw, to: iso(new Date(d.getTime() + 86_400_000)) }, len: 1 };
    }
    // Q3 2024 / Q3 / quarter 3 of 2024
    const q = /^q([1-4])$/.exec(t.norm);
    const qPrefix = lex.dates.quarterPrefix.includes(t.norm) && tokens[i + 1]?.kind === "number" && tokens[i + 1]!.num! >= 1 && tokens[i + 1]!.num! <= 4;
    if (q || qPrefix) {
      const quarter = q ? Number(q[1]) : tokens[i + 1]!.num!;
      let len = q ? 1 : 2;
      let year = now.getUTCFullYear();
      const next = tokens[i + len]?.norm === "of" || tokens[i + len]?.norm === "in" ? i + len + 1 : i + len;
      if (isYear(tokens[next])) {
        year = tokens[next]!.num!;
        len = next - i + 1;
      }
      return { range: { from: iso(utc(year, quarter * 3 - 2)), to: iso(utc(year, quarter * 3 + 1)) }, len };
    }
    const month = monthOf(t.norm);
    // "may" is also a verb: only a month when a year follows or a date word precedes it.
    if (month && (t.norm !== "may" || isYear(tokens[i + 1]))) {
      if (isYear(tokens[i + 1])) {
        const y = tokens[i + 1]!.num!;
        return { range: { from: iso(utc(y, month)), to: iso(utc(y, month + 1)) }, len: 2 };
      }
      // A month without a year: its latest occurrence up to now.
      const y = month <= now.getUTCMonth() + 1 ? now.getUTCFullYear() : now.getUTCFullYear() - 1;
      return { range: { from: iso(utc(y, month)), to: iso(utc(y, month + 1)) }, len: 1 };
    }
    if (isYear(t)) return { range: { from: iso(utc(t.num!, 1)), to: iso(utc(t.num! + 1, 1)) }, len: 1 };
    // relative: last/this + unit, last N units, N units ago, today, yesterday
    const todayLen = phraseAt(lex.dates.today, i);
    if (todayLen) return { range: unitRange("day", now, 0), len: todayLen };
    const yLen = phraseAt(lex.dates.yesterday, i);
    if (yLen && !unitOf(words[i - 1])) return { range: unitRange("day", now, -1), len: yLen };
    const lastLen = phraseAt(lex.dates.last, i);
    const thisLen = phraseAt(lex.dates.this, i);
    const qualLen = lastLen || thisLen;
    if (qualLen && !lex.postfixUnits) {
      const u = unitOf(words[i + qualLen]);
      if (u) return { range: unitRange(u, now, lastLen ? -1 : 0), len: qualLen + 1 };
      const n = tokens[i + qualLen];
      const u2 = unitOf(words[i + qualLen + 1]);
      if (n?.kind === "number" && u2) return { range: lastN(u2, n.num!, now), len: qualLen + 2 };
    }
    const u = unitOf(t.norm);
    if (u && lex.postfixUnits) {
      // "bulan lalu", "tahun ini", "30 hari terakhir" (the number comes first)
      const after = i + 1;
      const l2 = phraseAt(lex.dates.last, after);
      const t2 = phraseAt(lex.dates.this, after);
      if (l2) return { range: unitRange(u, now, -1), len: 1 + l2 };
      if (t2) return { range: unitRange(u, now, 0), len: 1 + t2 };
    }
    if (t.kind === "number" && unitOf(words[i + 1])) {
      const u3 = unitOf(words[i + 1])!;
      const agoLen = phraseAt(lex.dates.ago, i + 2);
      if (agoLen) {
        const r = lastN(u3, t.num!, now);
        return { range: { from: r.from, to: r.from ? iso(new Date(new Date(r.from).getTime() + 86_400_000)) : undefined }, len: 2 + agoLen };
      }
      const l3 = lex.postfixUnits ? phraseAt(lex.dates.last, i + 2) : 0;
      if (l3) return { range: lastN(u3, t.num!, now), len: 2 + l3 };
    }
    return null;
  };

  const spans: DateSpan[] = [];
  const free = (i: number, len: number) => Array.from({ length: len }, (_, k) => !taken[i + k]).every(Boolean);
  for (let i = 0; i < tokens.length; i++) {
    if (taken[i]) continue;
    let start = i;
    let kind: "in" | "since" | "after" | "before" | "between" | "plain" = "plain";
    let len = 0;
    for (const [k, list] of [["since", lex.dates.since], ["after", lex.dates.after ?? []], ["before", lex.dates.before], ["in", lex.dates.in], ["between", [...lex.comparisons.between, "from"]]] as const) {
      const l = phraseAt(list as string[], i);
      if (l && period(i + l)) {
        kind = k;
        len = l;
        break;
      }
    }
    const p = period(i + len);
    if (!p) continue;
    let range = p.range;
    let end = i + len + p.len;
    if (kind === "since") range = { from: p.range.from };
    else if (kind === "after") range = { from: p.range.to };
    else if (kind === "before") range = { to: p.range.from };
    // "between 2023 and 2024", "from March 2024 to June 2024"
    if ((kind === "between" || kind === "since") && lex.conjunction.includes(words[end] ?? "")) {
      const second = period(end + 1);
      if (second) {
        range = { from: p.range.from, to: second.range.to };
        end = end + 1 + second.len;
      }
    }
    if (kind === "between" && range.to === p.range.to && words[i] !== "from") continue; // "between" needs two ends
    if (!free(start, end - start)) continue;
    spans.push({ start, end, range, phrase: tokens.slice(start, end).map((t) => t.raw).join(" ") });
    for (let k = start; k < end; k++) taken[k] = true;
    i = end - 1;
    start = end;
  }
  return spans;
}
