import "server-only";
import { alternateLexOptions, isOp, isWord, tokenize, type LexOptions, type Token } from "./lexer";
import { splitTokens } from "./split";
import type { SqlDialect } from "./types";

/**
 * Statements that act on the database host rather than in the database: a shell
 * command (COPY ... PROGRAM), a server file (COPY to/from a path, SELECT ... INTO
 * OUTFILE, LOAD DATA INFILE, LOAD_FILE(), pg_read_file(), lo_export(), ATTACH,
 * VACUUM INTO, log-file settings), server code or configuration (LOAD, INSTALL PLUGIN,
 * SONAME, ALTER SYSTEM). Nothing
 * in Quarry may run one, not as a read, not after an approval: no review can vouch for
 * what a command or a file does outside the database, and no rollback undoes it.
 * Checked on every reading of the text (with and without backslash escapes), because a
 * server setting may end strings elsewhere than we assume.
 */

/** Functions that read or write files or run programs on the database host. */
const HOST_FUNCTIONS: Record<SqlDialect, { exact: ReadonlySet<string>; patterns: readonly RegExp[] }> = {
  postgres: {
    exact: new Set(["lo_import", "lo_export", "pg_write_file", "pg_stat_file"]),
    patterns: [/^pg_read_(binary_)?file$/, /^pg_file_/, /^pg_ls_/],
  },
  mysql: { exact: new Set(["load_file", "sys_exec", "sys_eval", "sys_set"]), patterns: [] },
  sqlite: { exact: new Set(["load_extension", "writefile", "readfile", "edit"]), patterns: [] },
};

function hostFunction(name: string, dialect: SqlDialect): string | null {
  const lower = name.toLowerCase();
  const list = HOST_FUNCTIONS[dialect];
  return list.exact.has(lower) || list.patterns.some((re) => re.test(lower)) ? lower : null;
}

/** Index of the first depth-0 token at or after `from` that satisfies `test`. */
function atDepthZero(tokens: Token[], from: number, test: (t: Token) => boolean): number {
  let depth = 0;
  for (let i = from; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (depth === 0 && test(t)) return i;
    if (isOp(t, "(")) depth++;
    else if (isOp(t, ")")) depth = Math.max(0, depth - 1);
  }
  return -1;
}

/**
 * COPY's source or target: only the client stream (STDIN/STDOUT) stays inside the
 * connection. Anything else after FROM/TO (a path string, PROGRAM, an E'...' string,
 * a parameter) is the server's file system or shell.
 */
/** Words after which a procedural body (PL/pgSQL, BEGIN ATOMIC) starts a statement. */
const BODY_STATEMENT_STARTS = ["BEGIN", "THEN", "ELSE", "LOOP", "ATOMIC"];

function copyStart(tokens: Token[]): number {
  let start = 0;
  while (isOp(tokens[start], "(")) start++;
  if (isWord(tokens[start], "COPY")) return start;
  return tokens.findIndex((t, i) => isWord(t, "COPY") && i > 0 && isWord(tokens[i - 1], ...BODY_STATEMENT_STARTS));
}

function copyReason(tokens: Token[]): string | null {
  const start = copyStart(tokens);
  if (start < 0) return null;
  const direction = atDepthZero(tokens, start + 1, (t) => isWord(t, "FROM", "TO"));
  if (direction < 0) return null;
  const target = tokens[direction + 1];
  if (isWord(target, "STDIN", "STDOUT")) return null;
  const verb = tokens[direction]!.value;
  if (isWord(target, "PROGRAM")) return `COPY ... ${verb} PROGRAM runs a shell command on the database server`;
  return `COPY ... ${verb} a file reads or writes a file on the database server (only ${verb === "FROM" ? "FROM STDIN" : "TO STDOUT"} is allowed)`;
}

/** MySQL/MariaDB settings that name files the server writes (the classic log-file web shell). */
const FILE_SETTINGS = new Set(["GENERAL_LOG_FILE", "SLOW_QUERY_LOG_FILE", "PLUGIN_DIR", "SECURE_FILE_PRIV"]);

/** Statements, by their leading words, that create files, load libraries or rewrite server configuration. */
function hostStatementReason(tokens: Token[], dialect: SqlDialect): string | null {
  let i = 0;
  while (isOp(tokens[i], "(")) i++;
  const [a, b] = [tokens[i], tokens[i + 1]];
  if (dialect === "sqlite" && isWord(a, "ATTACH")) return "ATTACH opens or creates a database file on the server";
  if (dialect === "sqlite" && isWord(a, "VACUUM") && tokens.some((t) => isWord(t, "INTO"))) return "VACUUM INTO writes a file on the server";
  if (dialect === "postgres" && isWord(a, "ALTER") && isWord(b, "SYSTEM")) return "ALTER SYSTEM rewrites the server's configuration file";
  if (dialect === "postgres" && isWord(a, "CREATE") && isWord(b, "TABLESPACE")) return "CREATE TABLESPACE uses a directory on the database server";
  if (dialect === "postgres" && isWord(a, "LOAD")) return "LOAD loads a shared library on the database server";
  if (dialect === "mysql" && isWord(a, "INSTALL")) return "INSTALL loads server code";
  if (dialect === "mysql" && isWord(a, "CREATE") && tokens.some((t) => isWord(t, "SONAME"))) return "CREATE FUNCTION ... SONAME loads a shared library";
  if (dialect === "mysql" && isWord(a, "SET") && tokens.some((t) => t.type === "word" && FILE_SETTINGS.has(t.value.replace(/^@+/, "")))) {
    return "SET of a server file setting makes the server write files";
  }
  return null;
}

function statementReasons(tokens: Token[], dialect: SqlDialect): string[] {
  const reasons: string[] = [];
  const add = (reason: string) => {
    if (!reasons.includes(reason)) reasons.push(reason);
  };
  const copy = copyReason(tokens);
  if (copy) add(copy);
  const host = hostStatementReason(tokens, dialect);
  if (host) add(host);
  tokens.forEach((t, i) => {
    const next = tokens[i + 1];
    if (t.type === "word" && !isOp(tokens[i - 1], ".")) {
      if (t.value === "INTO" && isWord(next, "OUTFILE", "DUMPFILE")) add(`SELECT ... INTO ${next!.value} writes a file on the database server`);
      const infile = tokens.slice(i + 2, i + 6).some((n) => isWord(n, "INFILE"));
      if (t.value === "LOAD" && isWord(next, "DATA", "XML") && infile) add(`LOAD ${next!.value} reads a file from the database server or Quarry's host`);
    }
    if ((t.type === "word" || t.type === "quoted") && isOp(next, "(")) {
      const fn = hostFunction(t.type === "word" ? t.text : t.value, dialect);
      if (fn) add(`${fn}() reads or writes files or runs programs on the database server`);
    }
  });
  return reasons;
}

function readings(sql: string, dialect: SqlDialect): (LexOptions | undefined)[] {
  const alternate = alternateLexOptions(dialect);
  return alternate && sql.includes("\\") ? [undefined, alternate] : [undefined];
}

/** The body of a string literal: '...' (doubled quotes), E'...', $tag$...$tag$. */
function stringBody(text: string): string | null {
  const dollar = /^(\$[^$]*\$)([\s\S]*)\1$/.exec(text);
  if (dollar) return dollar[2]!;
  const quoted = /^[EeNn]?'([\s\S]*)'$/.exec(text);
  return quoted ? quoted[1]!.replaceAll("''", "'") : null;
}

const MAX_NESTING = 3;

/**
 * Why `sql` acts outside the database (empty when it does not). String literals are
 * read as SQL too, since DO blocks, function bodies, EXECUTE and query_to_xml() run
 * SQL held in strings. Unlexable input yields no reason here: the analyser refuses it.
 */
export function outsideDatabaseReasons(sql: string, dialect: SqlDialect, nesting = 0): string[] {
  const reasons: string[] = [];
  for (const options of readings(sql, dialect)) {
    let tokens: Token[];
    try {
      tokens = tokenize(sql, dialect, options);
    } catch {
      continue;
    }
    for (const part of splitTokens(sql, tokens)) {
      for (const reason of statementReasons(part.tokens, dialect)) if (!reasons.includes(reason)) reasons.push(reason);
    }
    if (nesting >= MAX_NESTING) continue;
    for (const t of tokens) {
      const body = t.type === "string" ? stringBody(t.text) : null;
      if (!body || !/copy|load|into|file|lo_|sys_|pg_|edit/i.test(body)) continue;
      for (const reason of outsideDatabaseReasons(body, dialect, nesting + 1)) if (!reasons.includes(reason)) reasons.push(reason);
    }
  }
  return reasons;
}
