import "server-only";
import { z } from "zod";
import type { ParamList } from "./params";
import type { Row } from "./types";

/**
 * The structured conditions (filter) and derivations (derived columns) the
 * transformers take. Structured rather than free text, so each has one meaning both in
 * Node and compiled to the engine's SQL (pushdown), and no user text is ever run as
 * code: values become bound parameters, column names quoted identifiers.
 */
export const OPERATORS = ["eq", "ne", "gt", "gte", "lt", "lte", "in", "not_in", "is_null", "not_null", "contains", "starts_with"] as const;
const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);

export const conditionSchema = z.object({
  column: z.string().min(1).max(200).describe("Column"),
  operator: z.enum(OPERATORS).default("eq").describe("Operator"),
  value: z.union([scalar, z.array(scalar)]).optional().describe("Value (a list for in / not_in)"),
});
export type Condition = z.infer<typeof conditionSchema>;

const isNullish = (v: unknown) => v === null || v === undefined;
const numeric = (v: unknown): number | null => {
  if (typeof v === "number") return v;
  if (typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v))) return Number(v);
  return null;
};

/** -1/0/1 comparing numerically when both sides are numbers, else as text. */
export function compareValues(a: unknown, b: unknown): number {
  const x = numeric(a);
  const y = numeric(b);
  if (x !== null && y !== null) return x === y ? 0 : x < y ? -1 : 1;
  const s = String(a);
  const t = String(b);
  return s === t ? 0 : s < t ? -1 : 1;
}

export function conditionHolds(row: Row, c: Condition): boolean {
  const v = row[c.column];
  const list = Array.isArray(c.value) ? c.value : [c.value];
  switch (c.operator) {
    case "is_null":
      return isNullish(v);
    case "not_null":
      return !isNullish(v);
    case "in":
      return !isNullish(v) && list.some((x) => compareValues(v, x) === 0);
    case "not_in":
      return !isNullish(v) && !list.some((x) => compareValues(v, x) === 0);
    case "contains":
      return !isNullish(v) && String(v).includes(String(c.value ?? ""));
    case "starts_with":
      return !isNullish(v) && String(v).startsWith(String(c.value ?? ""));
  }
  // Comparisons with NULL are unknown, as in SQL, so a pushed-down filter keeps the same rows.
  if (isNullish(v) || isNullish(c.value)) return false;
  const cmp = compareValues(v, c.value);
  return { eq: cmp === 0, ne: cmp !== 0, gt: cmp > 0, gte: cmp >= 0, lt: cmp < 0, lte: cmp <= 0 }[c.operator];
}

export function rowMatches(row: Row, conditions: Condition[], combine: "and" | "or"): boolean {
  if (conditions.length === 0) return true;
  return combine === "and" ? conditions.every((c) => conditionHolds(row, c)) : conditions.some((c) => conditionHolds(row, c));
}

export interface SqlContext {
  quote(name: string): string;
  params: ParamList;
  engine: string;
  /**
   * How a column's values compare: `text` exactly (as `exact` spells it), `number` as
   * numbers, `typed` per value (SQLite), `other` as the engine compares them; null: it
   * cannot be told, so no comparison with it is compiled.
   */
  kindOf(column: string): "text" | "number" | "typed" | "other" | null;
  exact(expr: string): string;
}

/** The conditions as a WHERE clause (values bound), or null when one cannot be compiled. */
export function conditionsSql(conditions: Condition[], combine: "and" | "or", sql: SqlContext): string | null {
  const parts: string[] = [];
  for (const c of conditions) {
    const col = sql.quote(c.column);
    const ops: Record<string, string> = { eq: "=", ne: "<>", gt: ">", gte: ">=", lt: "<", lte: "<=" };
    if (c.operator === "is_null") parts.push(`${col} IS NULL`);
    else if (c.operator === "not_null") parts.push(`${col} IS NOT NULL`);
    else {
      const kind = sql.kindOf(c.column);
      if (kind === null) return null;
      const text = kind === "text";
      if (c.operator === "contains" || c.operator === "starts_with") {
        // Text matching without LIKE wildcards in the value: position/instr agree across engines.
        const p = sql.params.add(String(c.value ?? ""));
        const hay = text ? sql.exact(col) : sql.engine === "postgres" ? `CAST(${col} AS TEXT)` : col;
        const needle = text ? sql.exact(p) : p;
        const at = sql.engine === "postgres" ? `strpos(${hay}, ${needle})` : `instr(${hay}, ${needle})`;
        parts.push(c.operator === "contains" ? `${at} > 0` : `${at} = 1`);
        continue;
      }
      const list = Array.isArray(c.value) ? c.value : [c.value];
      if (list.length === 0 || list.some(isNullish)) return null;
      if (c.operator !== "in" && c.operator !== "not_in" && Array.isArray(c.value)) return null;
      // compareValues: numbers as numbers wherever both sides look numeric, else the text.
      // A text column is compared exactly with literals that never look numeric; a
      // number column with numbers; anything else could compare otherwise in the engine.
      if (text && !list.every((v) => typeof v === "string" && numeric(v) === null)) return null;
      if (kind === "number" && !list.every((v) => typeof v !== "boolean" && numeric(v) !== null)) return null;
      const lhs = text ? sql.exact(col) : col;
      const rhs = (v: unknown) => (text ? sql.exact(sql.params.add(v)) : sql.params.add(v));
      if (c.operator === "in" || c.operator === "not_in") parts.push(`${lhs} ${c.operator === "in" ? "IN" : "NOT IN"} (${list.map(rhs).join(", ")})`);
      else parts.push(`${lhs} ${ops[c.operator]} ${rhs(list[0])}`);
    }
  }
  if (parts.length === 0) return "1=1";
  return parts.map((p) => `(${p})`).join(combine === "and" ? " AND " : " OR ");
}

export const DERIVE_OPS = ["copy", "value", "concat", "upper", "lower", "add", "subtract", "multiply", "divide", "coalesce"] as const;
const argSchema = z.union([z.object({ column: z.string().min(1).max(200) }), z.object({ value: scalar })]);
export const derivationSchema = z.object({
  name: z.string().min(1).max(200).describe("New column"),
  op: z.enum(DERIVE_OPS).describe("Operation"),
  args: z.array(argSchema).max(20).default([]).describe("Arguments: {column} or {value}"),
});
export type Derivation = z.infer<typeof derivationSchema>;

const argValue = (row: Row, a: Derivation["args"][number]) => ("column" in a ? row[a.column] : a.value);

export function derive(row: Row, d: Derivation): unknown {
  const values = d.args.map((a) => argValue(row, a));
  const nums = () => values.map((v) => numeric(v));
  switch (d.op) {
    case "copy":
    case "value":
      return values[0] ?? null;
    case "concat":
      return values.some(isNullish) ? null : values.map(String).join("");
    case "upper":
      return isNullish(values[0]) ? null : String(values[0]).toUpperCase();
    case "lower":
      return isNullish(values[0]) ? null : String(values[0]).toLowerCase();
    case "coalesce":
      return values.find((v) => !isNullish(v)) ?? null;
    default: {
      const n = nums();
      if (n.some((x) => x === null)) return null;
      const [first, ...rest] = n as number[];
      if (first === undefined) return null;
      if (d.op === "divide" && rest.some((x) => x === 0)) return null;
      return rest.reduce((acc, x) => (d.op === "add" ? acc + x : d.op === "subtract" ? acc - x : d.op === "multiply" ? acc * x : acc / x), first);
    }
  }
}
