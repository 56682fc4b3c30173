import "server-only";
import { CREATE_OBJECTS } from "./keyword-classifier";
import { defaultLexOptions, isOp, isWord, tokenize, type LexOptions, type Token } from "./lexer";
import type { SqlDialect, StatementSlice } from "./types";

export interface TokenizedStatement extends StatementSlice {
  tokens: Token[];
}

// Bodies of these may hold `;` (SQLite triggers, MySQL BEGIN...END, PostgreSQL BEGIN ATOMIC, rules).
const ROUTINE_OBJECTS = new Set(["TRIGGER", "PROCEDURE", "FUNCTION", "EVENT", "RULE"]);
// MySQL closes IF/LOOP/WHILE/REPEAT with `END IF` etc.; their openers are not counted, so neither are these.
const UNCOUNTED_END_SUFFIX = ["IF", "LOOP", "WHILE", "REPEAT", "FOR"];

/**
 * Splits at top-level `;`. Only a statement that starts with CREATE ... TRIGGER/
 * PROCEDURE/FUNCTION/EVENT/RULE keeps `;` inside BEGIN...END or parentheses;
 * that can only lump later text into a DDL statement (which is never a read and
 * whose whole text is still scanned), never hide it inside a read.
 */
export function splitTokens(sql: string, tokens: Token[]): TokenizedStatement[] {
  const out: TokenizedStatement[] = [];
  let segmentStart = 0;
  let group: Token[] = [];
  let routine = false;
  let objectSeen = false;
  let block = 0;
  let paren = 0;

  const flush = (segmentEnd: number) => {
    if (group.length > 0) {
      let start = segmentStart;
      let end = segmentEnd;
      while (start < end && /\s/.test(sql[start]!)) start++;
      while (end > start && /\s/.test(sql[end - 1]!)) end--;
      out.push({ text: sql.slice(start, end), start, end, tokens: group });
    }
    group = [];
    routine = false;
    objectSeen = false;
    block = 0;
    paren = 0;
  };

  tokens.forEach((token, idx) => {
    if (isOp(token, ";") && (!routine || (block === 0 && paren === 0))) {
      flush(token.start);
      segmentStart = token.end;
      return;
    }
    group.push(token);
    // The object type is the first object keyword after CREATE, so `CREATE TABLE t (trigger int)` is no routine.
    if (!objectSeen && group.length <= 12 && isWord(group[0], "CREATE") && token.type === "word" && CREATE_OBJECTS.has(token.value)) {
      objectSeen = true;
      routine = ROUTINE_OBJECTS.has(token.value);
    }
    if (!routine) return;
    if (isOp(token, "(")) paren++;
    else if (isOp(token, ")")) paren = Math.max(0, paren - 1);
    else if (isWord(token, "BEGIN", "CASE")) block++;
    else if (isWord(token, "END") && !isWord(tokens[idx + 1], ...UNCOUNTED_END_SUFFIX)) block = Math.max(0, block - 1);
  });
  flush(sql.length);
  return out;
}

export function splitStatementTokens(sql: string, dialect: SqlDialect, options?: LexOptions): TokenizedStatement[] {
  return splitTokens(sql, tokenize(sql, dialect, options ?? defaultLexOptions(dialect)));
}

/** Statements as slices of `sql`, respecting strings, identifiers, comments and dollar quotes. */
export function splitStatements(sql: string, dialect: SqlDialect): StatementSlice[] {
  return splitStatementTokens(sql, dialect).map(({ text, start, end }) => ({ text, start, end }));
}
