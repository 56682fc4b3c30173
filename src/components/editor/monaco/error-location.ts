import type { ErrorDetails } from "@/components/ui/feedback";

/**
 * Where in the executed statement an error points, as a 0-based offset, from whatever
 * the database told us: line/column (1-based), PostgreSQL's 1-based `position`, or
 * Quarry's parser `offset`. Null when it told us nothing usable.
 */
export function errorOffset(statement: string, details: ErrorDetails | undefined): number | null {
  if (!details) return null;
  const clamp = (n: number) => Math.max(0, Math.min(statement.length, n));
  if (isPositiveInt(details.line)) {
    const lines = statement.split("\n");
    if (details.line <= lines.length) {
      let offset = 0;
      for (let i = 0; i < details.line - 1; i += 1) offset += lines[i]!.length + 1;
      const column = isPositiveInt(details.column) ? details.column : 1;
      return clamp(offset + Math.min(column - 1, lines[details.line - 1]!.length));
    }
  }
  if (isPositiveInt(details.position)) return clamp(details.position - 1);
  if (typeof details.offset === "number" && details.offset >= 0) return clamp(details.offset);
  return null;
}

/**
 * Without a position, the message may still name the spot: Quarry says `at line 2, column 5`, SQLite `near "FROM"`,
 * MySQL `near 'FROM t WHERE' at line 2`. The first match in the statement is a guess,
 * but a better one than marking the whole statement.
 */
export function guessOffset(statement: string, message: string): number | null {
  // Quarry's own syntax messages say "at line 3, column 7" (of the statement sent).
  const quarry = /\bat line (\d+), column (\d+)\b/.exec(message);
  if (quarry) return errorOffset(statement, { line: Number(quarry[1]), column: Number(quarry[2]) });
  const sqlite = /near "([^"]+)"/.exec(message);
  const mysql = /near '([\s\S]*?)' at line (\d+)/.exec(message);
  if (mysql) {
    const snippet = mysql[1]!.slice(0, 40);
    if (!snippet) return null;
    const lines = statement.split("\n");
    const line = Number(mysql[2]);
    const from = lines.slice(0, Math.max(0, line - 1)).reduce((n, l) => n + l.length + 1, 0);
    const at = statement.indexOf(snippet, from);
    return at >= 0 ? at : statement.indexOf(snippet) >= 0 ? statement.indexOf(snippet) : null;
  }
  if (sqlite) {
    const token = sqlite[1]!;
    const exact = statement.indexOf(token);
    if (exact >= 0) return exact;
    const loose = statement.toLowerCase().indexOf(token.toLowerCase());
    return loose >= 0 ? loose : null;
  }
  return null;
}

function isPositiveInt(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= 1;
}

/** A human "line 3, column 7" for the error message, relative to the whole editor. */
export function describeLocation(lineNumber: number, column: number): string {
  return `line ${lineNumber}, column ${column}`;
}
