import "server-only";
import { AppError } from "../errors";

/**
 * The few statements a read-only transaction does not stop because they write
 * outside the database (server files, programs). The execution pipe classifies SQL
 * properly; these lexical checks are the connector's own backstop for that case.
 */

/** First keyword of a PostgreSQL statement, past whitespace, comments and parentheses. */
export function leadingKeyword(sql: string): string {
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    if (/\s|\(/.test(c)) i++;
    else if (sql.startsWith("--", i)) i = lineEnd(sql, i);
    else if (sql.startsWith("/*", i)) i = blockEnd(sql, i, true);
    else break;
  }
  return /^[a-z_]+/i.exec(sql.slice(i))?.[0].toLowerCase() ?? "";
}

const lineEnd = (sql: string, i: number) => {
  const nl = sql.indexOf("\n", i);
  return nl < 0 ? sql.length : nl + 1;
};

function blockEnd(sql: string, start: number, nested: boolean): number {
  let depth = 0;
  for (let i = start; i < sql.length; i++) {
    if (sql.startsWith("/*", i) && (nested || depth === 0)) {
      depth++;
      i++;
    } else if (sql.startsWith("*/", i)) {
      depth--;
      i++;
      if (depth === 0) return i + 1;
    }
  }
  return sql.length;
}

export function assertPostgresReadable(sql: string): void {
  if (leadingKeyword(sql) === "copy") {
    throw new AppError(
      "QUERY_FAILED",
      "COPY is refused on the read path: it can write server files or run programs even in a read-only transaction",
      { details: { reason: "read_only" } },
    );
  }
}

/**
 * MySQL text with strings, quoted identifiers and ordinary comments blanked.
 * Executable comments (`/*! … *\/`, `/*M! … *\/`) stay, since the server runs them.
 */
export function mysqlCode(sql: string, backslashEscapes: boolean): string {
  let out = "";
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    if (c === "'" || c === '"' || c === "`") {
      let j = i + 1;
      while (j < sql.length) {
        if (backslashEscapes && c !== "`" && sql[j] === "\\") j += 2;
        else if (sql[j] === c && sql[j + 1] === c) j += 2;
        else if (sql[j] === c) break;
        else j++;
      }
      out += " ";
      i = j + 1;
    } else if (c === "#" || (sql.startsWith("--", i) && /\s|$/.test(sql[i + 2] ?? ""))) {
      out += " ";
      i = lineEnd(sql, i);
    } else if (sql.startsWith("/*", i)) {
      const executable = /^\/\*M?!\d*/.exec(sql.slice(i, i + 12));
      if (executable) {
        i += executable[0].length;
        out += " ";
      } else {
        out += " ";
        i = blockEnd(sql, i, false);
      }
    } else if (sql.startsWith("*/", i)) {
      out += " ";
      i += 2;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

export function assertMysqlReadable(sql: string): void {
  // NO_BACKSLASH_ESCAPES changes where strings end; refuse if either reading finds a file write.
  const writesFile = [true, false].some((escapes) => /\binto\s+(outfile|dumpfile)\b/i.test(mysqlCode(sql, escapes)));
  if (writesFile) {
    throw new AppError(
      "QUERY_FAILED",
      "SELECT … INTO OUTFILE/DUMPFILE is refused on the read path: it writes a file on the database server",
      { details: { reason: "read_only" } },
    );
  }
}
