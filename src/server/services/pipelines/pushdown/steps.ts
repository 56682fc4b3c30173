import "server-only";
import { conditionsSql, type Condition, type Derivation } from "../expressions";
import { findModule } from "../modules";
import { aggregateAlias, type AggregateConfig } from "../modules/aggregate";
import type { JoinConfig } from "../modules/join";
import type { SelectConfig } from "../modules/transformers";
import type { ParamList } from "../params";
import type { PipelineNode } from "../types";
import type { PushdownDialect, RelationColumn } from "./dialects";

/**
 * One transformer as SQL over the relation before it, with the same rows as the Node
 * module gives (row order aside), or null where the SQL would differ: then the node
 * runs in Node. Values are bound parameters, names quoted identifiers.
 */
export interface Relation {
  sql: string;
  /** Known once described (or derived from the step); null: ask the engine when needed. */
  columns: RelationColumn[] | null;
}

export interface StepContext {
  engine: string;
  dialect: PushdownDialect;
  params: ParamList;
  /** A fresh subquery alias. */
  alias(): string;
  /** The relation's columns, described by the engine once (`LIMIT 0`), or null if it cannot say. */
  columnsOf(relation: Relation): Promise<RelationColumn[] | null>;
}

type CleanerConfig = {
  remove_duplicates: boolean;
  columns: string[];
  trim: boolean;
  empty_as_null: boolean;
  null_handling: "keep" | "drop_rows" | "fill";
  null_columns: string[];
  fill_value?: string | number | boolean;
  coerce: Record<string, string>;
};

/** `(sql) alias`, the inner SQL on lines of its own: a trailing `--` comment in it must not swallow the rest. */
const subquery = (sql: string, alias: string) => `(\n${sql}\n) ${alias}`;
const from = (relation: Relation, ctx: StepContext) => subquery(relation.sql, ctx.alias());

/**
 * A column as a key (dedupe, join, group) compared as the modules compare it: text
 * exactly, whatever its collation; null for a column of unknown kind, which might be
 * text folded by its collation (SQLite's typed values are compared exactly as they are).
 */
function keyOf(col: RelationColumn | undefined, expr: string, dialect: PushdownDialect): string | null {
  if (!col) return null;
  if (dialect.typedValues || col.kind === "string") return dialect.exact(expr);
  return col.kind === "unknown" ? null : expr;
}

export async function compileStep(node: PipelineNode, input: Relation, ctx: StepContext): Promise<Relation | null> {
  const parsed = findModule("transformer", node.module)?.config.safeParse(node.config);
  if (!parsed?.success) return null;
  switch (node.module) {
    case "filter":
      return await filterStep(parsed.data as { conditions: Condition[]; combine: "and" | "or" }, input, ctx);
    case "select":
      return selectStep(parsed.data as SelectConfig, input, ctx);
    case "aggregate":
      return await aggregateStep(parsed.data as AggregateConfig, input, ctx);
    case "cleaner":
      return cleanerStep(parsed.data as CleanerConfig, input, ctx);
    case "derive":
      return deriveStep((parsed.data as { columns: Derivation[] }).columns, input, ctx);
    default:
      return null;
  }
}

async function filterStep(c: { conditions: Condition[]; combine: "and" | "or" }, input: Relation, ctx: StepContext): Promise<Relation | null> {
  const { dialect } = ctx;
  const q = dialect.quote;
  // Comparisons depend on the column's kind (the module compares numbers as numbers, else text exactly).
  const compares = c.conditions.some((x) => x.operator !== "is_null" && x.operator !== "not_null");
  const columns = compares && !dialect.typedValues ? await ctx.columnsOf(input) : null;
  if (compares && !dialect.typedValues && !columns) return null;
  const kindOf = (name: string) => {
    if (dialect.typedValues) return "typed" as const;
    const col = columns?.find((x) => x.name === name);
    if (!col) return null;
    return col.kind === "string" ? ("text" as const) : col.kind === "number" ? ("number" as const) : col.kind === "unknown" ? null : ("other" as const);
  };
  const where = conditionsSql(c.conditions, c.combine, { quote: q, params: ctx.params, engine: ctx.engine, kindOf, exact: dialect.exact });
  return where ? { sql: `SELECT * FROM ${from(input, ctx)} WHERE ${where}`, columns: input.columns } : null;
}

async function selectStep(c: SelectConfig, input: Relation, ctx: StepContext): Promise<Relation | null> {
  const q = ctx.dialect.quote;
  const known = await ctx.columnsOf(input);
  const keep = c.columns.length ? c.columns : known?.map((col) => col.name);
  if (!keep?.length) return null;
  const parts: string[] = [];
  for (const col of keep) {
    const cast = c.cast[col];
    const type = cast ? ctx.dialect.casts[cast as keyof PushdownDialect["casts"]] : undefined;
    if (cast && !type) return null;
    parts.push(`${type ? `CAST(${q(col)} AS ${type})` : q(col)} AS ${q(c.rename[col] ?? col)}`);
  }
  return { sql: `SELECT ${parts.join(", ")} FROM ${from(input, ctx)}`, columns: null };
}

async function aggregateStep(c: AggregateConfig, input: Relation, ctx: StepContext): Promise<Relation | null> {
  const { dialect } = ctx;
  const q = dialect.quote;
  const needsKinds = c.group_by.length > 0 || c.aggregations.some((a) => a.column !== "*");
  const columns = needsKinds ? await ctx.columnsOf(input) : [];
  if (!columns) return null;
  const colOf = (name: string) => columns.find((x) => x.name === name);
  const fn = (a: AggregateConfig["aggregations"][number]) => {
    if (a.column === "*") return a.function === "count" ? "COUNT(*)" : null;
    const column = colOf(a.column);
    if (!column || column.kind === "unknown" || dialect.typedValues) {
      return a.function === "count" && column ? `COUNT(${q(a.column)})` : null;
    }
    const col = q(a.column);
    const numeric = column.kind === "number";
    switch (a.function) {
      case "count":
        return `COUNT(${col})`;
      case "count_distinct": {
        const key = keyOf(column, col, dialect);
        return key && column.kind !== "json" && column.kind !== "binary" ? `COUNT(DISTINCT ${key})` : null;
      }
      // The module sums what Number() makes of a value and orders numeric-looking text as numbers.
      case "sum":
        return numeric ? `SUM(${col})` : null;
      case "avg":
        return numeric ? `AVG(${col})` : null;
      case "min":
        return numeric ? `MIN(${col})` : null;
      case "max":
        return numeric ? `MAX(${col})` : null;
    }
  };
  const aggs = c.aggregations.map((a) => {
    const f = fn(a);
    return f ? `${f} AS ${q(aggregateAlias(a))}` : null;
  });
  if (aggs.some((a) => a === null)) return null;
  // Text groups by its exact value; each group's rows then hold one value, which MIN() names.
  const groups: { by: string; out: string }[] = [];
  for (const name of c.group_by) {
    const column = colOf(name);
    const by = keyOf(column, q(name), dialect);
    if (!by || column!.kind === "json" || column!.kind === "binary") return null;
    groups.push({ by, out: by === q(name) ? q(name) : `MIN(${q(name)}) AS ${q(name)}` });
  }
  const list = [...groups.map((g) => g.out), ...aggs].join(", ");
  return { sql: `SELECT ${list} FROM ${from(input, ctx)}${groups.length ? ` GROUP BY ${groups.map((g) => g.by).join(", ")}` : ""}`, columns: null };
}

/**
 * Trim, empty-as-null, null handling, then dedupe, in the Node module's order. Type
 * coercion stays in Node: a SQL CAST fails on a bad value where the module gives null.
 */
async function cleanerStep(c: CleanerConfig, input: Relation, ctx: StepContext): Promise<Relation | null> {
  if (Object.keys(c.coerce).length) return null;
  const { dialect } = ctx;
  const q = dialect.quote;
  const columns = await ctx.columnsOf(input);
  if (!columns?.length) return null;
  const names = columns.map((col) => col.name);
  const nullColumns = c.null_columns.length ? c.null_columns : names;
  if (c.null_handling !== "keep" && nullColumns.some((n) => !names.includes(n))) return null;
  const textWork = c.trim || c.empty_as_null;
  const fill = c.null_handling === "fill" ? c.fill_value : undefined;

  const exprs: string[] = [];
  for (const col of columns) {
    let e = q(col.name);
    if (textWork) {
      const cleaned = (x: string) => {
        let t = c.trim ? dialect.trim(x) : x;
        if (c.empty_as_null) t = `NULLIF(${t}, '')`;
        return t;
      };
      if (dialect.typedValues) e = `CASE WHEN typeof(${e}) = 'text' THEN ${cleaned(e)} ELSE ${e} END`;
      else if (dialect.isText(col)) e = cleaned(e);
      else if (col.kind === "unknown") return null; // cannot tell whether its values are text
    }
    if (fill !== undefined && nullColumns.includes(col.name)) {
      const fits =
        typeof fill === "string" ? dialect.typedValues || dialect.isText(col)
        : typeof fill === "number" ? Number.isInteger(fill) && (dialect.typedValues || col.kind === "number")
        : !dialect.typedValues && col.kind === "boolean";
      if (!fits) return null;
      e = `COALESCE(${e}, ${ctx.params.add(fill)})`;
    }
    exprs.push(`${e} AS ${q(col.name)}`);
  }
  let sql = `SELECT ${exprs.join(", ")} FROM ${from(input, ctx)}`;
  if (c.null_handling === "drop_rows") sql = `SELECT * FROM ${subquery(sql, ctx.alias())} WHERE ${nullColumns.map((n) => `${q(n)} IS NOT NULL`).join(" AND ")}`;
  if (c.remove_duplicates) {
    const keys = c.columns.length ? c.columns : names;
    if (keys.some((k) => !names.includes(k))) return null;
    // json has no equality operator in PostgreSQL, and the module compares its text.
    if (columns.some((col) => keys.includes(col.name) && (col.kind === "json" || col.kind === "binary"))) return null;
    let rn = "quarry_row_number";
    while (names.includes(rn)) rn += "_";
    const keyExprs = keys.map((k) => keyOf(columns.find((col) => col.name === k), q(k), dialect));
    if (keyExprs.some((e) => e === null)) return null;
    const keyList = keyExprs.join(", ");
    const plainKeys = keyExprs.every((e, i) => e === q(keys[i]!));
    // The module keeps the first of each key in the order the rows came. Where the query
    // orders them (ORDER BY anywhere in it, to be safe), that order is numbered and kept;
    // where nothing orders them, any one of the duplicates is as good.
    const ordered = /\border\s+by\b/i.test(input.sql);
    if (ordered) {
      if (!dialect.distinctOn) return null; // MySQL may drop a derived table's ORDER BY; SQLite does not promise it
      const [a, b, d] = [ctx.alias(), ctx.alias(), ctx.alias()];
      sql = `SELECT ${names.map(q).join(", ")} FROM (SELECT DISTINCT ON (${keyList}) * FROM (SELECT ${a}.*, ROW_NUMBER() OVER () AS ${q(rn)} FROM ${subquery(sql, a)}) ${b} ORDER BY ${keyList}, ${q(rn)}) ${d} ORDER BY ${q(rn)}`;
    } else if (!c.columns.length && plainKeys) sql = `SELECT DISTINCT * FROM ${subquery(sql, ctx.alias())}`;
    else if (dialect.distinctOn) sql = `SELECT DISTINCT ON (${keyList}) * FROM ${subquery(sql, ctx.alias())}`;
    else {
      const inner = ctx.alias();
      sql = `SELECT ${names.map(q).join(", ")} FROM (SELECT ${inner}.*, ROW_NUMBER() OVER (PARTITION BY ${keyList}) AS ${q(rn)} FROM ${subquery(sql, inner)}) ${ctx.alias()} WHERE ${q(rn)} = 1`;
    }
  }
  return { sql, columns: null };
}

/**
 * Derived columns, one subquery level each (a derivation may read an earlier one), only
 * where the SQL means what the module computes: text functions on text, arithmetic in
 * floating point on numbers, division by zero as null.
 */
async function deriveStep(derivations: Derivation[], input: Relation, ctx: StepContext): Promise<Relation | null> {
  const { dialect } = ctx;
  const q = dialect.quote;
  const described = await ctx.columnsOf(input);
  if (!described) return null;
  if (new Set(derivations.map((d) => d.name)).size !== derivations.length) return null;
  const double = dialect.casts.number!;
  const text = dialect.casts.string!;
  type Arg = { sql: string; family: "text" | "number" | "null" | "other"; column?: RelationColumn };
  let columns: (RelationColumn & { text?: boolean })[] = described.map((c) => ({ ...c, text: dialect.isText(c) }));
  let sql = input.sql;
  for (const d of derivations) {
    const args: Arg[] = [];
    for (const a of d.args) {
      if ("column" in a) {
        const col = columns.find((c) => c.name === a.column);
        if (!col) return null;
        args.push({ sql: q(col.name), family: col.text ? "text" : col.kind === "number" ? "number" : "other", column: col });
      } else if (a.value === null) args.push({ sql: "NULL", family: "null" });
      else if (typeof a.value === "string") args.push({ sql: `CAST(${ctx.params.add(a.value)} AS ${text})`, family: "text" });
      else if (typeof a.value === "number") args.push({ sql: `CAST(${ctx.params.add(a.value)} AS ${double})`, family: "number" });
      else return null;
    }
    const all = (family: Arg["family"]) => args.every((a) => a.family === family || a.family === "null");
    let expr: string;
    let result: RelationColumn & { text?: boolean };
    switch (d.op) {
      case "copy":
      case "value": {
        const first = args[0];
        if (!first?.column && first?.family === "null") return null; // an untyped NULL column
        expr = first?.sql ?? "NULL";
        result = first?.column ? { ...first.column, name: d.name } : { name: d.name, kind: first?.family === "number" ? "number" : first?.family === "text" ? "string" : "unknown", text: first?.family === "text" };
        break;
      }
      case "concat":
        if (!args.length || !all("text")) return null;
        expr = dialect.concat(args.map((a) => a.sql));
        result = { name: d.name, kind: "string", text: true };
        break;
      case "upper":
      case "lower":
        if (!args.length || !all("text")) return null;
        expr = `${d.op.toUpperCase()}(${args[0]!.sql})`;
        result = { name: d.name, kind: "string", text: true };
        break;
      case "coalesce": {
        const families = new Set(args.map((a) => a.family).filter((f) => f !== "null"));
        if (!args.length || families.size !== 1 || families.has("other")) return null;
        expr = `COALESCE(${args.map((a) => a.sql).join(", ")})`;
        const text = families.has("text");
        result = { name: d.name, kind: text ? "string" : "number", text };
        break;
      }
      default: {
        if (!args.length || !all("number")) return null;
        const floats = args.map((a) => (a.family === "null" ? "NULL" : `CAST(${a.sql} AS ${double})`));
        const sign = { add: "+", subtract: "-", multiply: "*", divide: "/" }[d.op as "add"];
        expr = `(${floats.map((f, i) => (i > 0 && d.op === "divide" ? `NULLIF(${f}, 0)` : f)).join(` ${sign} `)})`;
        result = { name: d.name, kind: "number", text: false };
      }
    }
    const kept = columns.filter((c) => c.name !== d.name);
    sql = `SELECT ${[...kept.map((c) => q(c.name)), `${expr} AS ${q(d.name)}`].join(", ")} FROM ${subquery(sql, ctx.alias())}`;
    columns = [...kept, result];
  }
  // The module's column order: the input's (less the derived names), then the derived ones in order.
  const derivedNames = derivations.map((d) => d.name);
  const order = [...described.map((c) => c.name).filter((n) => !derivedNames.includes(n)), ...derivedNames];
  return { sql: `SELECT ${order.map(q).join(", ")} FROM ${subquery(sql, ctx.alias())}`, columns: order.map((n) => columns.find((c) => c.name === n)!) };
}

/**
 * A join of two relations of the same data source, with the module's output: the left
 * columns, then the right ones (a clashing name gets the right prefix). Keys must be of
 * one type on both sides: the module compares their text, the engine their values.
 */
export async function joinStep(c: JoinConfig, left: Relation, right: Relation, ctx: StepContext): Promise<Relation | null> {
  const { dialect } = ctx;
  const q = dialect.quote;
  if (!dialect.joins.includes(c.how) || c.left_on.length !== c.right_on.length) return null;
  const [lc, rc] = [await ctx.columnsOf(left), await ctx.columnsOf(right)];
  if (!lc || !rc) return null;
  for (let i = 0; i < c.left_on.length; i++) {
    const l = lc.find((x) => x.name === c.left_on[i]);
    const r = rc.find((x) => x.name === c.right_on[i]);
    if (!l || !r || !comparableKeys(l, r, dialect)) return null;
  }
  const leftNames = new Set(lc.map((x) => x.name));
  const renamed = rc.map((x) => ({ from: x.name, to: leftNames.has(x.name) ? `${c.right_prefix}${x.name}` : x.name }));
  const out = [...lc.map((x) => x.name), ...renamed.map((r) => r.to)];
  if (new Set(out).size !== out.length) return null; // a prefixed name clashes again: the module would overwrite it
  const [la, ra] = [ctx.alias(), ctx.alias()];
  const list = [...lc.map((x) => `${la}.${q(x.name)} AS ${q(x.name)}`), ...renamed.map((r) => `${ra}.${q(r.from)} AS ${q(r.to)}`)];
  // Both keys are of one kind (comparableKeys), never unknown: the left column says how both compare.
  const on = c.left_on
    .map((k, i) => {
      const col = lc.find((x) => x.name === k);
      return `${keyOf(col, `${la}.${q(k)}`, dialect)!} = ${keyOf(col, `${ra}.${q(c.right_on[i]!)}`, dialect)!}`;
    })
    .join(" AND ");
  const how = { inner: "INNER JOIN", left: "LEFT JOIN", right: "RIGHT JOIN", full: "FULL JOIN" }[c.how];
  return { sql: `SELECT ${list.join(", ")} FROM ${subquery(left.sql, la)} ${how} ${subquery(right.sql, ra)} ON ${on}`, columns: null };
}

const INTEGER_TYPE = /^(int[248]?|integer|bigint|smallint|tinyint|mediumint|tiny|short|long|longlong|int24)\b/i;

/** Key columns the engine compares as the module does (by their text): text with text, integers with integers, else one type. */
function comparableKeys(l: RelationColumn, r: RelationColumn, dialect: PushdownDialect): boolean {
  if (l.kind !== r.kind || ["unknown", "json", "binary"].includes(l.kind)) return false;
  if (l.kind === "string") return dialect.isText(l) && dialect.isText(r);
  if (l.kind === "number" && INTEGER_TYPE.test(l.type ?? "") && INTEGER_TYPE.test(r.type ?? "")) return true;
  return !!l.type && l.type === r.type;
}
