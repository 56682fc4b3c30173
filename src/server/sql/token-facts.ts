import "server-only";
import { isOp, isWord, type Token } from "./lexer";

/**
 * Facts read off the tokens of one statement: LIMIT, SELECT *, and (when the
 * parser could not help) the tables it names. Best effort; none of this decides
 * whether a statement may run.
 */

// MySQL select modifiers that may stand between SELECT and `*`.
const STAR_PRECEDERS = new Set(
  "SELECT DISTINCT ALL DISTINCTROW HIGH_PRIORITY STRAIGHT_JOIN SQL_SMALL_RESULT SQL_BIG_RESULT SQL_BUFFER_RESULT SQL_NO_CACHE SQL_CACHE SQL_CALC_FOUND_ROWS".split(
    " ",
  ),
);

/** Visits tokens at the outermost query level (a query wrapped in parentheses counts as outermost). */
function forOuterTokens(tokens: Token[], visit: (t: Token, i: number) => void): void {
  let base = 0;
  while (isOp(tokens[base], "(")) base++;
  let depth = 0;
  tokens.forEach((t, i) => {
    if (isOp(t, "(")) depth++;
    else if (isOp(t, ")")) depth--;
    else if (depth <= base) visit(t, i);
  });
}

export function limitAndStar(tokens: Token[]): { hasLimit: boolean; selectsStar: boolean } {
  let hasLimit = false;
  let selectsStar = false;
  forOuterTokens(tokens, (t, i) => {
    const prev = tokens[i - 1];
    if (isWord(t, "LIMIT") || (isWord(t, "FETCH") && isWord(tokens[i + 1], "FIRST", "NEXT"))) hasLimit = true;
    if (isOp(t, "*") && ((prev?.type === "word" && STAR_PRECEDERS.has(prev.value)) || isOp(prev, ",") || isOp(prev, "."))) {
      selectsStar = true;
    }
  });
  return { hasLimit, selectsStar };
}

const nameOf = (t: Token) => (t.type === "quoted" ? t.value : t.text);
const isName = (t: Token | undefined): t is Token => t?.type === "quoted" || (t?.type === "word" && !NOT_NAMES.has(t.value));

const NOT_NAMES = new Set(
  "SELECT WITH VALUES LATERAL ONLY OUTFILE DUMPFILE SET WHERE ON USING AS JOIN LEFT RIGHT INNER OUTER FULL CROSS NATURAL GROUP ORDER LIMIT HAVING WINDOW UNION EXCEPT INTERSECT FOR OFFSET FETCH RETURNING LOCK INTO STRAIGHT_JOIN USE FORCE IGNORE TABLESAMPLE PARTITION UNNEST".split(
    " ",
  ),
);
const INTRODUCERS = new Set(["FROM", "JOIN", "UPDATE", "INTO", "TABLE", "TRUNCATE"]);
const SKIPPED = new Set(["ONLY", "LATERAL", "IF", "NOT", "EXISTS", "TABLE", "IGNORE", "LOW_PRIORITY"]);

/** Names bound by WITH: `name AS (`, `name AS [NOT] MATERIALIZED (`, `name (cols) AS (`. */
function cteNames(tokens: Token[]): Set<string> {
  const names = new Set<string>();
  tokens.forEach((t, i) => {
    if (!isName(t)) return;
    let j = i + 1;
    if (isOp(tokens[j], "(")) {
      while (j < tokens.length && !isOp(tokens[j], ")")) j++;
      j++;
    }
    if (isWord(tokens[j], "AS") && (isOp(tokens[j + 1], "(") || isWord(tokens[j + 1], "MATERIALIZED", "NOT"))) {
      names.add(nameOf(t).toLowerCase());
    }
  });
  return names;
}

/** Reads `a.b.c` starting at `i`; returns the name and the index after it. */
function qualifiedName(tokens: Token[], i: number): { name: string; next: number } | null {
  if (!isName(tokens[i])) return null;
  const parts = [nameOf(tokens[i]!)];
  let j = i + 1;
  while (isOp(tokens[j], ".") && isName(tokens[j + 1])) {
    parts.push(nameOf(tokens[j + 1]!));
    j += 2;
  }
  return { name: parts.join("."), next: j };
}

export function tablesFromTokens(tokens: Token[]): string[] {
  const ctes = cteNames(tokens);
  const found: string[] = [];
  tokens.forEach((t, i) => {
    if (t.type !== "word" || !INTRODUCERS.has(t.value) || isOp(tokens[i - 1], ".")) return;
    let j = i + 1;
    for (;;) {
      while (isWord(tokens[j]) && SKIPPED.has(tokens[j]!.value)) j++;
      const read = qualifiedName(tokens, j);
      if (!read) return;
      // A name followed by `(` after FROM/JOIN is a function such as generate_series(...).
      const isFunction = isOp(tokens[read.next], "(") && (t.value === "FROM" || t.value === "JOIN");
      if (!isFunction && !ctes.has(read.name.toLowerCase()) && !found.includes(read.name)) found.push(read.name);
      j = read.next;
      if (t.value !== "FROM") return;
      if (isWord(tokens[j], "AS")) j++;
      if (isName(tokens[j])) j++;
      if (!isOp(tokens[j], ",")) return;
      j++;
    }
  });
  return found;
}
