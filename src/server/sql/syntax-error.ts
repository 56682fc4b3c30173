import "server-only";
import type { Token } from "./lexer";
import type { SqlErrorLocation } from "./types";

/**
 * Short, positioned messages for SQL that does not parse. The PEG parser's own message
 * lists every token its grammar would accept at that point (hundreds of them) and its
 * position is often a few tokens past the mistake (`FORM` read as an alias, the
 * failure at the next word). A person needs what is wrong, near what, and where: the
 * common typos (unclosed quotes and parentheses, a trailing comma, a misspelt keyword)
 * are recognised from the tokens first, the parser's position is the fallback.
 */

export function locate(sql: string, offset: number, message: (where: string) => string): SqlErrorLocation {
  const before = sql.slice(0, offset);
  const line = before.split("\n").length;
  const column = offset - before.lastIndexOf("\n");
  return { message: message(`line ${line}, column ${column}`), line, column, offset };
}

/** Words a misspelling is compared against (the ones people type in reads). */
const KEYWORDS = [
  "SELECT", "FROM", "WHERE", "GROUP", "ORDER", "BY", "HAVING", "LIMIT", "OFFSET", "JOIN", "INNER", "LEFT", "RIGHT",
  "OUTER", "CROSS", "FULL", "ON", "USING", "UNION", "EXCEPT", "INTERSECT", "DISTINCT", "AS", "AND", "OR", "NOT", "NULL",
  "IS", "IN", "LIKE", "BETWEEN", "CASE", "WHEN", "THEN", "ELSE", "END", "WITH", "ASC", "DESC", "EXISTS", "VALUES",
  "INSERT", "INTO", "UPDATE", "DELETE", "SET", "EXPLAIN", "SHOW", "DESCRIBE",
] as const;
const KEYWORD_SET = new Set<string>(KEYWORDS);

/** Words after which a list item must come, so a comma right before them is one too many. */
const CLAUSE_WORDS = new Set(["FROM", "WHERE", "GROUP", "ORDER", "HAVING", "LIMIT", "OFFSET", "UNION", "EXCEPT", "INTERSECT", "INTO", "VALUES", "ON", "USING", "JOIN", "SET"]);

/** Optimal string alignment distance (a swap of two neighbours counts once), capped for speed. */
function distance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j += 1) d[0]![j] = j;
  for (let i = 1; i <= a.length; i += 1) {
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/** The keyword a word is most likely a typo of, if it is close to one and not a keyword itself. */
export function keywordFor(word: string): string | null {
  const upper = word.toUpperCase();
  if (upper.length < 3 || KEYWORD_SET.has(upper) || !/^[A-Z]+$/.test(upper)) return null;
  const limit = upper.length <= 6 ? 1 : 2;
  let best: { keyword: string; d: number } | null = null;
  for (const keyword of KEYWORDS) {
    // ORDERS, LIMITS, SELECTED: a name built on a keyword, not a typo of it.
    if (keyword.length < 3 || upper.startsWith(keyword)) continue;
    const d = distance(upper, keyword);
    if (d <= limit && (!best || d < best.d)) best = { keyword, d };
  }
  return best?.keyword ?? null;
}

const QUOTE_PAIRS: Record<string, string> = { "'": "'", '"': '"', "`": "`", "[": "]" };

/** A string or quoted name the lexer ran to the end of the input without finding its closing quote. */
function unclosedQuote(tokens: readonly Token[], end: number): Token | null {
  const last = tokens[tokens.length - 1];
  if (!last || (last.type !== "string" && last.type !== "quoted") || last.end < end) return null;
  const open = /['"`[]/.exec(last.text);
  if (!open) return null;
  const body = last.text.slice(open.index + 1);
  const close = QUOTE_PAIRS[open[0]]!;
  // `'it''s'` ends with a doubled quote pair plus the closing one; an odd run of closing quotes closes.
  const run = /(.)\1*$/.exec(body)?.[0] ?? "";
  const closed = body.length > 0 && body.endsWith(close) && (close === "]" || run.length % 2 === 1) && !body.endsWith(`\\${close}`);
  return closed ? null : last;
}

function unbalancedParen(tokens: readonly Token[]): { token: Token; kind: "unclosed" | "unmatched" } | null {
  const open: Token[] = [];
  for (const token of tokens) {
    if (token.type !== "op") continue;
    if (token.text === "(") open.push(token);
    else if (token.text === ")" && !open.pop()) return { token, kind: "unmatched" };
  }
  const first = open[open.length - 1];
  return first ? { token: first, kind: "unclosed" } : null;
}

function trailingComma(tokens: readonly Token[]): Token | null {
  for (let i = 0; i < tokens.length - 1; i += 1) {
    const next = tokens[i + 1]!;
    if (tokens[i]!.text !== ",") continue;
    if ((next.type === "word" && CLAUSE_WORDS.has(next.value)) || next.text === ")") return next;
  }
  const last = tokens[tokens.length - 1];
  return last?.text === "," ? last : null;
}

export interface StatementForError {
  /** Offset of the statement in the whole input. */
  start: number;
  end: number;
  /** The statement's tokens, in input offsets. */
  tokens: readonly Token[];
}

/**
 * Why a statement did not parse, positioned in the whole input `sql` (1-based line and
 * column). `parserOffset` is where the parser stopped, relative to the statement.
 */
export function describeSyntaxError(
  sql: string,
  stmt: StatementForError,
  parserOffset: number | undefined,
  parserMessage: string,
  options: { unknownFirstWord?: boolean } = {},
): SqlErrorLocation {
  const { tokens } = stmt;
  const first = tokens[0];
  // A statement whose first word Quarry does not know (`SELEC 1`) is wrong right there.
  if (options.unknownFirstWord && first?.type === "word") return nearWord(sql, first);
  const quote = unclosedQuote(tokens, stmt.end);
  if (quote) return locate(sql, quote.start, (at) => `Unclosed quote: the ${quote.type === "string" ? "string" : "name"} at ${at} never ends`);
  const paren = unbalancedParen(tokens);
  if (paren?.kind === "unclosed") return locate(sql, paren.token.start, (at) => `Unclosed parenthesis: the "(" at ${at} is never closed`);
  if (paren?.kind === "unmatched") return locate(sql, paren.token.start, (at) => `Unmatched ")" at ${at}`);
  const comma = trailingComma(tokens);
  if (comma) {
    return comma.text === ","
      ? locate(sql, comma.start, (at) => `Trailing comma at ${at}: the statement ends after it`)
      : locate(sql, comma.start, (at) => `Trailing comma before "${comma.text}" at ${at}`);
  }

  const failedAt = stmt.start + (parserOffset ?? stmt.end - stmt.start);
  // The token the parser stopped in (or the next one), and the word before it.
  const index = tokens.findIndex((t) => t.end > failedAt);
  const candidates = index === -1 ? tokens.slice(-1) : [tokens[index]!, ...(index > 0 ? [tokens[index - 1]!] : [])];
  for (const token of candidates) {
    if (token.type === "word" && keywordFor(token.text)) return nearWord(sql, token);
  }
  const at = index === -1 ? null : tokens[index]!;
  if (!at) {
    if (parserOffset === undefined && parserMessage.length <= 200 && !/^Expected\b/.test(parserMessage)) return { message: parserMessage };
    return locate(sql, stmt.end, (where) => `Syntax error: the statement ends too early (${where})`);
  }
  return nearWord(sql, at);
}

function nearWord(sql: string, token: Token): SqlErrorLocation {
  const near = token.text.length > 40 ? `${token.text.slice(0, 40)}…` : token.text;
  const keyword = token.type === "word" ? keywordFor(token.text) : null;
  return locate(sql, token.start, (at) => `Syntax error near "${near}" at ${at}${keyword ? `: did you mean ${keyword}?` : ""}`);
}
