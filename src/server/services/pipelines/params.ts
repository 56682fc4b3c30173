import "server-only";
import { AppError } from "../../errors";

export type ParamStyle = "dollar" | "question";

/**
 * Placeholders in one query as they are numbered for the engine: values are bound by
 * the driver, never spliced into the text. `next` hands out the following placeholder,
 * so a pushdown that adds conditions keeps numbering after the query's own.
 */
export class ParamList {
  readonly values: unknown[] = [];
  /** `marker`: placeholders numbered later, in text order, by `numberMarkers` (pushdown builds text inside out). */
  constructor(readonly style: ParamStyle | "marker") {}
  add(value: unknown): string {
    this.values.push(value);
    if (this.style === "marker") return `\u0000${this.values.length - 1}\u0000`;
    return this.style === "dollar" ? `$${this.values.length}` : "?";
  }
}

/**
 * A statement built with `marker` placeholders as the engine takes it: `?` binds by
 * position, so values are ordered as their placeholders appear in the text (a value in
 * a select list comes before those of the subquery it wraps).
 */
export function numberMarkers(sql: string, values: readonly unknown[], style: ParamStyle): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const text = sql.replace(/\u0000(\d+)\u0000/g, (_, index: string) => {
    params.push(values[Number(index)]);
    return style === "dollar" ? `$${params.length}` : "?";
  });
  return { sql: text, params };
}

/** Names of the `:name` placeholders in `sql` (outside strings, quoted names, comments and `::` casts). */
export function parameterNames(sql: string): string[] {
  const names: string[] = [];
  scan(sql, (name) => {
    names.push(name);
    return "";
  });
  return [...new Set(names)];
}

/**
 * Turns `:name` placeholders into the engine's (`$n` or `?`) with their values from
 * `params`; a name with no value is a validation error naming it.
 */
export function bindParameters(sql: string, params: Record<string, unknown>, list: ParamList): string {
  const missing: string[] = [];
  const text = scan(sql, (name) => {
    if (!(name in params) || params[name] === undefined) {
      missing.push(name);
      return "NULL";
    }
    return list.add(params[name]);
  });
  if (missing.length) {
    const names = [...new Set(missing)];
    throw new AppError("VALIDATION_ERROR", `Missing parameter${names.length > 1 ? "s" : ""}: ${names.map((n) => `:${n}`).join(", ")}`, {
      fields: names.map((n) => ({ field: `params.${n}`, message: `The query uses :${n} but the run gives it no value` })),
    });
  }
  return text;
}

function scan(sql: string, replace: (name: string) => string): string {
  let out = "";
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i]!;
    const rest = sql.slice(i);
    const quoted = ch === "'" || ch === '"' || ch === "`";
    if (quoted) {
      let j = i + 1;
      while (j < sql.length) {
        if (sql[j] === ch) {
          if (sql[j + 1] === ch) j += 2;
          else break;
        } else if (sql[j] === "\\" && ch !== '"') j += 2;
        else j += 1;
      }
      out += sql.slice(i, j + 1);
      i = j + 1;
    } else if (rest.startsWith("--")) {
      const end = sql.indexOf("\n", i);
      const j = end === -1 ? sql.length : end;
      out += sql.slice(i, j);
      i = j;
    } else if (rest.startsWith("/*")) {
      const end = sql.indexOf("*/", i + 2);
      const j = end === -1 ? sql.length : end + 2;
      out += sql.slice(i, j);
      i = j;
    } else if (rest.startsWith("::")) {
      out += "::";
      i += 2;
    } else if (ch === ":" && /^:[A-Za-z_]\w*/.test(rest) && !/[\w:]/.test(sql[i - 1] ?? "")) {
      const name = /^:([A-Za-z_]\w*)/.exec(rest)![1]!;
      out += replace(name);
      i += name.length + 1;
    } else {
      out += ch;
      i += 1;
    }
  }
  return out;
}
