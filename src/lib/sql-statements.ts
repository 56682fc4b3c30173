/**
 * Splits SQL into statements at top-level semicolons, skipping those inside quotes,
 * comments and PostgreSQL dollar-quoted bodies, so "run the statement under the
 * cursor" picks what the user means.
 *
 * The browser's only splitter (editor, and later chat and pipelines). The server decides
 * with its own token-based one (`server/sql/split.ts`), dialect-aware and server-only,
 * because that one is a safety boundary: the client's split only picks what to send.
 */
export interface StatementSpan {
  /** Offsets into the whole text; `text` is `sql.slice(start, end)`. */
  start: number;
  end: number;
  text: string;
}

interface Segment {
  from: number;
  /** Offset of the terminating semicolon, or the text's length. */
  to: number;
}

function skipQuoted(sql: string, i: number, quote: string): number {
  let j = i + 1;
  while (j < sql.length) {
    if (sql[j] === quote) {
      if (sql[j + 1] === quote) j += 2; // doubled quote is an escaped quote
      else return j + 1;
    } else if (sql[j] === "\\" && quote === "'") j += 2;
    else j += 1;
  }
  return sql.length;
}

function segments(sql: string): Segment[] {
  const out: Segment[] = [];
  let from = 0;
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i]!;
    const next = sql[i + 1];
    if (ch === "-" && next === "-") {
      const nl = sql.indexOf("\n", i);
      i = nl === -1 ? sql.length : nl + 1;
    } else if (ch === "/" && next === "*") {
      const close = sql.indexOf("*/", i + 2);
      i = close === -1 ? sql.length : close + 2;
    } else if (ch === "'" || ch === '"' || ch === "`") {
      i = skipQuoted(sql, i, ch);
    } else if (ch === "$") {
      const tag = /^\$[A-Za-z_]*\$/.exec(sql.slice(i, i + 64))?.[0];
      if (tag) {
        const close = sql.indexOf(tag, i + tag.length);
        i = close === -1 ? sql.length : close + tag.length;
      } else i += 1;
    } else if (ch === ";") {
      out.push({ from, to: i });
      from = i + 1;
      i += 1;
    } else i += 1;
  }
  out.push({ from, to: sql.length });
  return out;
}

/** True when the text holds nothing but whitespace and comments. */
function isBlank(text: string): boolean {
  return text.replace(/--[^\n]*/g, "").replace(/\/\*[\s\S]*?\*\//g, "").trim() === "";
}

function toSpan(sql: string, seg: Segment): StatementSpan {
  const raw = sql.slice(seg.from, seg.to);
  const lead = raw.length - raw.trimStart().length;
  const text = raw.trim();
  return { start: seg.from + lead, end: seg.from + lead + text.length, text };
}

export function splitStatements(sql: string): StatementSpan[] {
  return segments(sql)
    .map((seg) => toSpan(sql, seg))
    .filter((span) => !isBlank(span.text));
}

/**
 * The statement the cursor is in; on a blank stretch between statements, the one
 * just before it (where the cursor usually is after typing a `;`).
 */
export function statementAt(sql: string, offset: number): StatementSpan | null {
  const segs = segments(sql);
  let index = segs.findIndex((seg) => offset >= seg.from && offset <= seg.to);
  if (index === -1) index = segs.length - 1;
  const current = segs[index]!;
  const here = toSpan(sql, current);
  // Right after a `;` on the same line, the user means the statement they just ended.
  const justEnded = index > 0 && offset < here.start && !sql.slice(current.from, offset).includes("\n");
  if (!justEnded && !isBlank(here.text)) return here;
  for (let i = index - 1; i >= 0; i -= 1) {
    const span = toSpan(sql, segs[i]!);
    if (!isBlank(span.text)) return span;
  }
  for (let i = index; i < segs.length; i += 1) {
    const span = toSpan(sql, segs[i]!);
    if (!isBlank(span.text)) return span;
  }
  return null;
}
