import "server-only";
import { AppError, isAppError } from "../../errors";
import type { AnalyzedStatement, SqlErrorLocation } from "../../sql";
import type { EngineName } from "../datasources/engines";

/** Whether a driver error says the SQL itself does not parse (not a missing table, not a timeout). */
export function isDatabaseSyntaxError(engine: EngineName, message: string, details: Record<string, unknown>): boolean {
  if (engine === "postgres") return details.code === "42601";
  if (engine === "mysql") return details.errno === 1064 || details.code === "ER_PARSE_ERROR";
  return /syntax error|incomplete input|unrecognized token/i.test(message);
}

function position(sql: string, offset: number): { line: number; column: number } {
  const before = sql.slice(0, offset);
  return { line: before.split("\n").length, column: offset - before.lastIndexOf("\n") };
}

const firstWord = (text: string) => /^\s*([^\s,;()]{1,40}|[,;()])/.exec(text)?.[1] ?? "";

/**
 * Where the database itself says the error is, in input offsets: PostgreSQL's 1-based
 * `position`, MySQL's `near '...' at line N`, SQLite's `near "...":` / `unrecognized token: "..."`.
 */
function databaseLocation(sql: string, statement: Pick<AnalyzedStatement, "text" | "start">, message: string, details: Record<string, unknown>): SqlErrorLocation | null {
  const text = statement.text;
  let local: number | null = null;
  let ended = false;
  if (typeof details.position === "number" && details.position >= 1) {
    local = Math.min(details.position - 1, text.length);
    ended = /at end of input/i.test(message);
  } else {
    const mysql = /near '([\s\S]*?)' at line (\d+)/.exec(message);
    const sqlite = /(?:near|unrecognized token:) "([\s\S]+?)"(?::|$)/.exec(message);
    if (mysql) {
      const snippet = mysql[1]!.slice(0, 40);
      const lineStart = text.split("\n").slice(0, Number(mysql[2]) - 1).reduce((n, l) => n + l.length + 1, 0);
      if (!snippet) ended = true;
      else local = text.indexOf(snippet, lineStart) >= 0 ? text.indexOf(snippet, lineStart) : text.indexOf(snippet);
    } else if (sqlite) {
      const token = sqlite[1]!.slice(0, 40);
      const at = text.indexOf(token);
      local = at >= 0 ? at : text.toLowerCase().indexOf(token.toLowerCase());
    } else if (/incomplete input/i.test(message)) {
      ended = true;
    }
  }
  if (ended) {
    const offset = statement.start + text.trimEnd().length;
    const { line, column } = position(sql, offset);
    return { message: `Syntax error: the statement ends too early (line ${line}, column ${column})`, line, column, offset };
  }
  if (local === null || local < 0) return null;
  const offset = statement.start + local;
  const { line, column } = position(sql, offset);
  const near = firstWord(text.slice(local));
  return { message: `Syntax error near "${near}" at line ${line}, column ${column}`, line, column, offset };
}

/**
 * A database syntax error as a short message with its line and column in the input. The
 * analyser's own reason wins when it has one (it knows unclosed quotes, trailing commas
 * and misspelt keywords); else the database's position is translated. Anything else
 * passes through unchanged.
 */
export function explainSyntaxFailure(
  error: unknown,
  engine: EngineName,
  sql: string,
  statement: Pick<AnalyzedStatement, "text" | "start" | "syntaxError">,
): unknown {
  if (!isAppError(error) || error.code !== "QUERY_FAILED") return error;
  const details = error.details && typeof error.details === "object" && !Array.isArray(error.details) ? (error.details as Record<string, unknown>) : {};
  if (!isDatabaseSyntaxError(engine, error.message, details)) return error;
  const located = statement.syntaxError?.line ? statement.syntaxError : databaseLocation(sql, statement, error.message, details);
  if (!located) return error;
  const { position: _position, ...rest } = details;
  return new AppError("QUERY_FAILED", located.message, {
    details: { ...rest, line: located.line, column: located.column, offset: located.offset, databaseMessage: error.message.slice(0, 500) },
  });
}
