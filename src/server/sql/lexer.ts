import "server-only";
import type { SqlDialect } from "./types";

/**
 * A deliberately small SQL lexer. It only has to agree with the database about
 * where strings, quoted identifiers and comments begin and end, because everything
 * outside them is code that the classifiers scan. Where dialect settings change
 * those boundaries (backslash escapes), callers lex twice: see `alternateLexOptions`.
 */

export type TokenType = "word" | "quoted" | "string" | "number" | "param" | "op";

export interface Token {
  type: TokenType;
  /** The source text of the token. */
  text: string;
  /** Words: upper-cased. Quoted identifiers: the unquoted name. Others: `text`. */
  value: string;
  start: number;
  end: number;
  /** PostgreSQL `U&"..."`: the name may hide anything behind escapes. */
  unicode?: boolean;
}

export interface LexOptions {
  /** Whether `\` escapes in ordinary '...' strings (MySQL default; PostgreSQL with standard_conforming_strings=off). */
  backslashEscapes: boolean;
}

export function defaultLexOptions(dialect: SqlDialect): LexOptions {
  return { backslashEscapes: dialect === "mysql" };
}

/**
 * The other server setting that moves string boundaries: MySQL's
 * NO_BACKSLASH_ESCAPES / PostgreSQL's standard_conforming_strings=off.
 * SQLite has no such switch.
 */
export function alternateLexOptions(dialect: SqlDialect): LexOptions | null {
  if (dialect === "sqlite") return null;
  return { backslashEscapes: dialect !== "mysql" };
}

const IDENT_START = /[A-Za-z_\u0080-\uffff]/;
const IDENT_PART = /[A-Za-z0-9_$\u0080-\uffff]/;
const DOLLAR_TAG = /\$(?:[A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/y;
// Kept tight on purpose: letters glued to a number (`1INTO t`) are a separate word to PostgreSQL <16.
const NUMBER = /0[xX][0-9A-Fa-f_]+|0[oO][0-7_]+|0[bB][01_]+|(?:\d[\d_]*(?:\.[\d_]*)?|\.\d[\d_]*)(?:[eE][+-]?\d+)?/y;
// Only each dialect's own parameter syntax: in PostgreSQL `?`, `@` and `:` are operators,
// and swallowing the name after them would hide `@nextval(...)` from the scans.
const PARAM: Record<SqlDialect, RegExp> = {
  postgres: /\$\d+/y,
  mysql: /@[A-Za-z0-9_][A-Za-z0-9_$\u0080-\uffff]*/y,
  sqlite: /\?\d*|[:@$][A-Za-z0-9_\u0080-\uffff][A-Za-z0-9_$\u0080-\uffff]*/y,
};

/** End (exclusive) of a quoted run starting at `i`; doubled quotes always escape. */
function quotedEnd(sql: string, i: number, quote: string, backslash: boolean): number {
  let j = i + 1;
  while (j < sql.length) {
    const c = sql[j];
    if (backslash && c === "\\") j += 2;
    else if (c === quote) {
      if (sql[j + 1] === quote) j += 2;
      else return j + 1;
    } else j++;
  }
  return sql.length;
}

/** PostgreSQL ends line comments at CR or LF; MySQL and SQLite only at LF, so a lone CR stays inside. */
function lineCommentEnd(sql: string, i: number, dialect: SqlDialect): number {
  const eol = dialect === "postgres" ? /[\r\n]/g : /\n/g;
  eol.lastIndex = i;
  return eol.exec(sql) ? eol.lastIndex : sql.length;
}

function blockCommentEnd(sql: string, i: number, nested: boolean): number {
  let depth = 1;
  let j = i + 2;
  while (j < sql.length) {
    if (nested && sql[j] === "/" && sql[j + 1] === "*") {
      depth++;
      j += 2;
    } else if (sql[j] === "*" && sql[j + 1] === "/") {
      depth--;
      j += 2;
      if (depth === 0) return j;
    } else j++;
  }
  return sql.length;
}

export function tokenize(sql: string, dialect: SqlDialect, options = defaultLexOptions(dialect)): Token[] {
  const tokens: Token[] = [];
  const n = sql.length;
  // MySQL runs the body of `/*! ... */` and MariaDB of `/*M! ... */`: lex it as code.
  let inExecutableComment = false;
  let i = 0;
  const push = (type: TokenType, start: number, end: number, value?: string, unicode?: boolean) => {
    const text = sql.slice(start, end);
    tokens.push({ type, text, value: value ?? text, start, end, ...(unicode ? { unicode } : {}) });
    i = end;
  };

  while (i < n) {
    const c = sql[i]!;
    const next = sql[i + 1];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "-" && next === "-") {
      // MySQL needs whitespace after `--`; `1--1` is arithmetic there and must stay code.
      const after = sql[i + 2];
      if (dialect !== "mysql" || after === undefined || /[\s\x00-\x1f]/.test(after)) {
        i = lineCommentEnd(sql, i, dialect);
        continue;
      }
    }
    if (c === "#" && dialect === "mysql") {
      i = lineCommentEnd(sql, i, dialect);
      continue;
    }
    if (c === "/" && next === "*") {
      const executable = dialect === "mysql" && /^(?:!|[Mm]!)/.test(sql.slice(i + 2, i + 4));
      if (executable && !inExecutableComment) {
        inExecutableComment = true;
        i += sql[i + 2] === "!" ? 3 : 4;
        while (i < n && /[0-9]/.test(sql[i]!)) i++;
        continue;
      }
      // Only PostgreSQL nests block comments; elsewhere the first `*/` ends one.
      i = blockCommentEnd(sql, i, dialect === "postgres");
      continue;
    }
    if (c === "*" && next === "/" && inExecutableComment) {
      inExecutableComment = false;
      i += 2;
      continue;
    }
    if (c === "'") {
      push("string", i, quotedEnd(sql, i, "'", options.backslashEscapes));
      continue;
    }
    if (c === '"') {
      if (dialect === "mysql") push("string", i, quotedEnd(sql, i, '"', options.backslashEscapes));
      else {
        const end = quotedEnd(sql, i, '"', false);
        push("quoted", i, end, sql.slice(i + 1, end - 1).replaceAll('""', '"'));
      }
      continue;
    }
    if (c === "`" && dialect !== "postgres") {
      const end = quotedEnd(sql, i, "`", false);
      push("quoted", i, end, sql.slice(i + 1, end - 1).replaceAll("``", "`"));
      continue;
    }
    if (c === "[" && dialect === "sqlite") {
      const close = sql.indexOf("]", i + 1);
      const end = close < 0 ? n : close + 1;
      push("quoted", i, end, sql.slice(i + 1, end - 1));
      continue;
    }
    if (c === "$" && dialect === "postgres") {
      // A `$` right after an identifier character was already taken by that word; after a number it opens a quote.
      DOLLAR_TAG.lastIndex = i;
      const tag = DOLLAR_TAG.exec(sql);
      if (tag) {
        const close = sql.indexOf(tag[0], i + tag[0].length);
        push("string", i, close < 0 ? n : close + tag[0].length);
        continue;
      }
    }
    if (c === "$" || c === "?" || c === ":" || c === "@") {
      const param = PARAM[dialect];
      param.lastIndex = i;
      const match = param.exec(sql);
      if (match) {
        push("param", i, i + match[0].length);
        continue;
      }
    }
    if (IDENT_START.test(c)) {
      // String prefixes: E'..' always takes backslash escapes, U&'..'/U&".." Unicode escapes.
      if (dialect === "postgres" && (c === "e" || c === "E") && next === "'") {
        push("string", i, quotedEnd(sql, i + 1, "'", true));
        continue;
      }
      if (dialect === "postgres" && (c === "u" || c === "U") && next === "&" && (sql[i + 2] === "'" || sql[i + 2] === '"')) {
        const quote = sql[i + 2]!;
        const end = quotedEnd(sql, i + 2, quote, false);
        if (quote === "'") push("string", i, end);
        else push("quoted", i, end, sql.slice(i + 3, end - 1).replaceAll('""', '"'), true);
        continue;
      }
      let j = i + 1;
      while (j < n && IDENT_PART.test(sql[j]!)) j++;
      push("word", i, j, sql.slice(i, j).toUpperCase());
      continue;
    }
    if (/[0-9]/.test(c) || (c === "." && next !== undefined && /[0-9]/.test(next))) {
      NUMBER.lastIndex = i;
      push("number", i, i + NUMBER.exec(sql)![0].length);
      continue;
    }
    if (c === ":" && next === "=") {
      push("op", i, i + 2);
      continue;
    }
    push("op", i, i + 1);
  }
  return tokens;
}

export const isWord = (t: Token | undefined, ...values: string[]): boolean =>
  t?.type === "word" && (values.length === 0 || values.includes(t.value));

export const isOp = (t: Token | undefined, text: string): boolean => t?.type === "op" && t.text === text;
