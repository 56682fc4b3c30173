/**
 * Named parameters in SQL text: `{{name}}` (templates) and `:name` (the editor). Shared by
 * the editor (which shows an input per name) and the server (which replaces each marker
 * with the engine's placeholder and binds the value). Markers inside string literals,
 * quoted identifiers, comments and PostgreSQL dollar-quoted bodies are text, not
 * parameters; `::type` casts are not `:name` markers.
 */
export interface ParameterMarker {
  name: string;
  start: number;
  end: number;
}

const NAME = /[A-Za-z_][A-Za-z0-9_]*/y;
const isWord = (c: string | undefined) => !!c && /[A-Za-z0-9_]/.test(c);

export function findParameterMarkers(sql: string): ParameterMarker[] {
  const markers: ParameterMarker[] = [];
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const c = sql[i]!;
    const next = sql[i + 1];
    if (c === "'" || c === '"' || c === "`") {
      i = skipQuoted(sql, i, c);
    } else if (c === "-" && next === "-") {
      const end = sql.indexOf("\n", i);
      i = end < 0 ? n : end + 1;
    } else if (c === "/" && next === "*") {
      const end = sql.indexOf("*/", i + 2);
      i = end < 0 ? n : end + 2;
    } else if (c === "$" && !isWord(sql[i - 1])) {
      const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i, i + 64));
      if (tag) {
        const end = sql.indexOf(tag[0], i + tag[0].length);
        i = end < 0 ? n : end + tag[0].length;
      } else i += 1;
    } else if (c === "{" && next === "{") {
      const close = sql.indexOf("}}", i + 2);
      const inner = close < 0 ? "" : sql.slice(i + 2, close).trim();
      if (close >= 0 && /^[A-Za-z_][A-Za-z0-9_]*$/.test(inner)) {
        markers.push({ name: inner, start: i, end: close + 2 });
        i = close + 2;
      } else i += 2;
    } else if (c === ":" && next !== ":" && sql[i - 1] !== ":" && !isWord(sql[i - 1])) {
      NAME.lastIndex = i + 1;
      const m = NAME.exec(sql);
      if (m) {
        markers.push({ name: m[0], start: i, end: i + 1 + m[0].length });
        i += 1 + m[0].length;
      } else i += 1;
    } else {
      i += 1;
    }
  }
  return markers;
}

/** The distinct parameter names, in order of first appearance. */
export function parameterNames(sql: string): string[] {
  return [...new Set(findParameterMarkers(sql).map((m) => m.name))];
}

function skipQuoted(sql: string, start: number, quote: string): number {
  let i = start + 1;
  while (i < sql.length) {
    const c = sql[i]!;
    if (c === "\\" && quote === "'") {
      // MySQL escapes with a backslash; in standard SQL `\` is just text, and skipping
      // the next character there only matters for `\'`, which standard SQL writes `''`.
      i += 2;
      continue;
    }
    if (c === quote) {
      if (sql[i + 1] === quote) {
        i += 2;
        continue;
      }
      return i + 1;
    }
    i += 1;
  }
  return sql.length;
}

export const PARAMETER_TYPES = ["string", "number", "integer", "date", "datetime", "boolean"] as const;
export type ParameterType = (typeof PARAMETER_TYPES)[number];

export interface ParameterDefinition {
  name: string;
  type: ParameterType;
  label?: string;
  /** Used when the caller gives no value. */
  default?: string | number | boolean | null;
  required?: boolean;
}
