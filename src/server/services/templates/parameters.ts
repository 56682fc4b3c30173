import "server-only";
import { findParameterMarkers, type ParameterDefinition, type ParameterType } from "@/lib/sql-parameters";
import { AppError } from "../../errors";

export type ParameterValue = string | number | boolean | null;
export type ParamStyle = "dollar" | "question";

export interface BoundStatement {
  /** The SQL with each marker replaced by the engine's placeholder ($1… or ?). */
  sql: string;
  /** The values, in placeholder order; the driver binds them, they are never spliced. */
  params: unknown[];
}

export const paramStyleOf = (engine: string): ParamStyle => (engine === "postgres" ? "dollar" : "question");

/**
 * Replaces `{{name}}` / `:name` markers by placeholders and collects the typed values.
 * A declared parameter's value is checked against its type (and defaulted); an undeclared
 * one (the editor's ad-hoc `:name`) binds as given. A marker with no value is a 422 naming it.
 */
export function bindParameters(
  sql: string,
  style: ParamStyle,
  values: Record<string, ParameterValue | undefined>,
  declared: readonly ParameterDefinition[] = [],
): BoundStatement {
  const markers = findParameterMarkers(sql);
  if (markers.length === 0) return { sql, params: [] };
  const byName = new Map(declared.map((d) => [d.name, d]));
  const resolved = new Map<string, unknown>();
  const fields: { field: string; message: string }[] = [];
  for (const name of new Set(markers.map((m) => m.name))) {
    const def = byName.get(name);
    const given = values[name];
    const raw = given === undefined || given === "" ? (def?.default ?? undefined) : given;
    if (raw === undefined || (raw === null && def?.required)) {
      fields.push({ field: `parameters.${name}`, message: "a value is required" });
      continue;
    }
    try {
      resolved.set(name, def ? coerce(raw, def.type) : raw);
    } catch (error) {
      fields.push({ field: `parameters.${name}`, message: (error as Error).message });
    }
  }
  if (fields.length) {
    throw new AppError("VALIDATION_ERROR", `Parameter values are missing or invalid: ${fields.map((f) => f.field.slice(11)).join(", ")}`, { fields });
  }

  const params: unknown[] = [];
  const position = new Map<string, number>();
  let out = "";
  let last = 0;
  for (const m of markers) {
    out += sql.slice(last, m.start);
    if (style === "dollar") {
      // PostgreSQL numbers its placeholders, so a name used twice binds once.
      let k = position.get(m.name);
      if (k === undefined) {
        params.push(resolved.get(m.name));
        k = params.length;
        position.set(m.name, k);
      }
      out += `$${k}`;
    } else {
      params.push(resolved.get(m.name));
      out += "?";
    }
    last = m.end;
  }
  out += sql.slice(last);
  return { sql: out, params };
}

function coerce(value: ParameterValue, type: ParameterType): unknown {
  if (value === null) return null;
  switch (type) {
    case "string":
      return String(value);
    case "number":
    case "integer": {
      const n = typeof value === "number" ? value : typeof value === "string" && value.trim() !== "" ? Number(value) : NaN;
      if (!Number.isFinite(n)) throw new Error("must be a number");
      if (type === "integer" && !Number.isInteger(n)) throw new Error("must be a whole number");
      return n;
    }
    case "boolean":
      if (typeof value === "boolean") return value;
      if (value === "true" || value === "1" || value === 1) return true;
      if (value === "false" || value === "0" || value === 0) return false;
      throw new Error("must be true or false");
    case "date": {
      const s = String(value);
      if (!/^\d{4}-\d{2}-\d{2}$/.test(s) || Number.isNaN(Date.parse(`${s}T00:00:00Z`)) || new Date(`${s}T00:00:00Z`).toISOString().slice(0, 10) !== s) {
        throw new Error("must be a date (YYYY-MM-DD)");
      }
      return s;
    }
    case "datetime": {
      const s = String(value);
      if (!/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/.test(s) || Number.isNaN(Date.parse(s.replace(" ", "T")))) {
        throw new Error("must be a date and time (YYYY-MM-DD HH:MM[:SS])");
      }
      return s.replace("T", " ").replace(/(Z|[+-]\d{2}:?\d{2})$/, "");
    }
  }
}
