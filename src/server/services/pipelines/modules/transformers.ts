import "server-only";
import { z } from "zod";
import { AppError } from "../../../errors";
import { conditionSchema, derivationSchema, derive, rowMatches } from "../expressions";
import { KeySet } from "../key-set";
import type { Batch, BatchStream, Column, ColumnKind, ModuleContext, Row, TransformerModule } from "../types";
import { aggregateConfig, aggregateRows } from "./aggregate";
import { joinConfig, joinStreams } from "./join";

/** Applies `fn` to each batch's rows; `columns` maps the incoming columns once per shape. */
async function* mapBatches(
  input: BatchStream,
  columnsOf: (columns: Column[]) => Column[],
  fn: (rows: Row[], columns: Column[]) => Row[],
): BatchStream {
  let seen: Column[] | null = null;
  let out: Column[] = [];
  for await (const batch of input) {
    if (batch.columns !== seen) {
      seen = batch.columns;
      out = columnsOf(batch.columns);
    }
    yield { columns: out, rows: fn(batch.rows, out) };
  }
}

export const CAST_TYPES = ["string", "integer", "number", "boolean", "date"] as const;
export type CastType = (typeof CAST_TYPES)[number];
const kindOfCast: Record<CastType, ColumnKind> = { string: "string", integer: "number", number: "number", boolean: "boolean", date: "date" };

/** A value as `type`, or null where it does not convert (a coercion never fails the run). */
export function castValue(value: unknown, type: CastType): unknown {
  if (value === null || value === undefined) return null;
  switch (type) {
    case "string":
      return typeof value === "object" ? JSON.stringify(value) : String(value);
    case "integer": {
      const n = Number(typeof value === "string" ? value.trim() : value);
      return Number.isFinite(n) && String(value).trim() !== "" ? Math.trunc(n) : null;
    }
    case "number": {
      const n = Number(typeof value === "string" ? value.trim() : value);
      return Number.isFinite(n) && String(value).trim() !== "" ? n : null;
    }
    case "boolean": {
      if (typeof value === "boolean") return value;
      const s = String(value).trim().toLowerCase();
      if (["true", "t", "1", "yes", "y"].includes(s)) return true;
      if (["false", "f", "0", "no", "n"].includes(s)) return false;
      return null;
    }
    case "date": {
      const d = new Date(String(value));
      return Number.isNaN(d.getTime()) ? null : d.toISOString();
    }
  }
}

const castMap = z.record(z.string(), z.enum(CAST_TYPES));

const cleanerConfig = z.object({
  remove_duplicates: z.boolean().default(false).meta({ title: "Remove duplicates" }),
  columns: z.array(z.string().min(1)).default([]).describe("Columns that identify a duplicate (empty: the whole row)").meta({ title: "Duplicate key columns" }),
  trim: z.boolean().default(false).describe("Trim whitespace from text values").meta({ title: "Trim text" }),
  empty_as_null: z.boolean().default(false).describe("Treat empty text as null").meta({ title: "Empty text is null" }),
  null_handling: z.enum(["keep", "drop_rows", "fill"]).default("keep").meta({ title: "Null values" }),
  null_columns: z.array(z.string().min(1)).default([]).describe("Columns the null handling applies to (empty: all)").meta({ title: "Null columns" }),
  fill_value: z.union([z.string(), z.number(), z.boolean()]).optional().meta({ title: "Fill value" }),
  coerce: castMap.default({}).describe("Column → type").meta({ title: "Type coercion" }),
});

export const cleaner: TransformerModule<z.infer<typeof cleanerConfig>> = {
  type: "transformer",
  name: "cleaner",
  displayName: "Data Cleaner",
  description: "Remove duplicates, trim text, handle nulls and coerce types",
  icon: "broom",
  color: "#10B981",
  config: cleanerConfig,
  inputs: [1, 1],
  async *run(ctx, config, [input]) {
    const seen = new KeySet();
    let dropped = 0;
    let duplicates = 0;
    let rowsIn = 0;
    const coerce = Object.entries(config.coerce);
    const textWork = config.trim || config.empty_as_null;
    // Rows are shared with any other node reading the same input: copied when changed, unless this node alone reads them.
    const copies = (textWork || coerce.length > 0 || config.null_handling === "fill") && ctx.ownsInputs?.[0] !== true;
    const keyColumns = config.columns;
    // A single key column: its strings are their own keys (no prefix to build per row); other values are typed.
    const seenText = new KeySet();
    const isDuplicate = (row: Row): boolean => {
      if (keyColumns.length === 1) {
        const v = row[keyColumns[0]!];
        if (typeof v === "string") return !seenText.add(v);
        return !seen.add(v === null || v === undefined ? "\u0000" : `${typeof v}${JSON.stringify(v)}`);
      }
      return !seen.add(JSON.stringify(keyColumns.length ? keyColumns.map((c) => row[c] ?? null) : Object.values(row)));
    };
    let seenColumns: Column[] | null = null;
    let columns: Column[] = [];
    // Text work touches the columns that can hold text; dates, numbers and JSON never have edge whitespace.
    let textColumns: string[] = [];
    for await (const batch of input!) {
      rowsIn += batch.rows.length;
      if (batch.columns !== seenColumns) {
        seenColumns = batch.columns;
        columns = batch.columns.map((c) => (config.coerce[c.name] ? { ...c, kind: kindOfCast[config.coerce[c.name]!] } : c));
        textColumns = batch.columns.length ? batch.columns.filter((c) => c.kind === "string" || c.kind === "unknown").map((c) => c.name) : [];
      }
      const rows: Row[] = [];
      for (const original of batch.rows) {
        const row: Row = copies ? { ...original } : original;
        if (textWork) {
          for (const k of batch.columns.length ? textColumns : Object.keys(row)) {
            let value = row[k];
            if (typeof value !== "string") continue;
            if (config.trim) value = value.trim();
            if (config.empty_as_null && value === "") value = null;
            row[k] = value;
          }
        }
        for (const [col, type] of coerce) if (col in row) row[col] = castValue(row[col], type);
        if (config.null_handling !== "keep") {
          const nulls = (config.null_columns.length ? config.null_columns : Object.keys(row)).filter((c) => row[c] === null || row[c] === undefined);
          if (nulls.length && config.null_handling === "drop_rows") {
            dropped += 1;
            continue;
          }
          for (const c of nulls) row[c] = config.fill_value ?? null;
        }
        if (config.remove_duplicates && isDuplicate(row)) {
          duplicates += 1;
          continue;
        }
        rows.push(row);
      }
      yield { columns, rows };
    }
    if (config.remove_duplicates) ctx.log("INFO", `Removed ${duplicates} duplicate rows`, { rows_before: rowsIn, rows_after: rowsIn - duplicates - dropped });
    if (dropped) ctx.log("INFO", `Dropped ${dropped} rows with null values`, { dropped });
  },
};

export const filterConfig = z.object({
  conditions: z.array(conditionSchema).default([]).meta({ title: "Conditions" }),
  combine: z.enum(["and", "or"]).default("and").meta({ title: "Combine with" }),
});

export const filter: TransformerModule<z.infer<typeof filterConfig>> = {
  type: "transformer",
  name: "filter",
  displayName: "Filter Rows",
  description: "Keep the rows that match conditions",
  icon: "filter",
  color: "#6366F1",
  config: filterConfig,
  inputs: [1, 1],
  run: (_ctx, config, [input]) =>
    mapBatches(
      input!,
      (c) => c,
      (rows) => rows.filter((r) => rowMatches(r, config.conditions, config.combine)),
    ),
};

export const selectConfig = z.object({
  columns: z.array(z.string().min(1)).default([]).describe("Columns to keep, in order (empty: all)").meta({ title: "Columns" }),
  rename: z.record(z.string(), z.string().min(1)).default({}).describe("Old name → new name").meta({ title: "Rename" }),
  cast: castMap.default({}).describe("Column → type").meta({ title: "Cast" }),
});
export type SelectConfig = z.infer<typeof selectConfig>;

export function selectColumns(config: SelectConfig, columns: Column[]): { from: string; to: string; kind: ColumnKind }[] {
  const names = new Set(columns.map((c) => c.name));
  const keep = config.columns.length ? config.columns : columns.map((c) => c.name);
  const missing = keep.filter((c) => !names.has(c));
  if (missing.length) throw new AppError("VALIDATION_ERROR", `Unknown column${missing.length > 1 ? "s" : ""}: ${missing.join(", ")}`);
  return keep.map((from) => {
    const cast = config.cast[from];
    return { from, to: config.rename[from] ?? from, kind: cast ? kindOfCast[cast] : columns.find((c) => c.name === from)!.kind };
  });
}

export const select: TransformerModule<SelectConfig> = {
  type: "transformer",
  name: "select",
  displayName: "Select / Rename / Cast",
  description: "Keep, rename and cast columns",
  icon: "columns",
  color: "#0EA5E9",
  config: selectConfig,
  inputs: [1, 1],
  async *run(_ctx, config, [input]) {
    let seen: Column[] | null = null;
    let plan: ReturnType<typeof selectColumns> = [];
    let out: Column[] = [];
    for await (const batch of input!) {
      if (batch.columns !== seen) {
        seen = batch.columns;
        plan = selectColumns(config, batch.columns);
        out = plan.map((p) => ({ name: p.to, kind: p.kind }));
      }
      yield {
        columns: out,
        rows: batch.rows.map((r) => {
          const row: Row = {};
          for (const p of plan) row[p.to] = config.cast[p.from] ? castValue(r[p.from], config.cast[p.from]!) : r[p.from];
          return row;
        }),
      };
    }
  },
};

export const deriveConfig = z.object({ columns: z.array(derivationSchema).min(1, "add at least one derived column").meta({ title: "Derived columns" }) });

export const derived: TransformerModule<z.infer<typeof deriveConfig>> = {
  type: "transformer",
  name: "derive",
  displayName: "Derived Columns",
  description: "Add columns computed from others",
  icon: "function",
  color: "#F97316",
  config: deriveConfig,
  inputs: [1, 1],
  run: (_ctx, config, [input]) =>
    mapBatches(
      input!,
      (columns) => [
        ...columns.filter((c) => !config.columns.some((d) => d.name === c.name)),
        ...config.columns.map((d) => ({ name: d.name, kind: (["add", "subtract", "multiply", "divide"].includes(d.op) ? "number" : "unknown") as ColumnKind })),
      ],
      (rows) =>
        rows.map((r) => {
          const row: Row = { ...r };
          for (const d of config.columns) row[d.name] = derive(row, d);
          return row;
        }),
    ),
};

export const aggregate: TransformerModule<z.infer<typeof aggregateConfig>> = {
  type: "transformer",
  name: "aggregate",
  displayName: "Aggregate",
  description: "Group rows and compute count, sum, avg, min, max",
  icon: "sigma",
  color: "#A855F7",
  config: aggregateConfig,
  inputs: [1, 1],
  run: (_ctx: ModuleContext, config, [input]) => aggregateRows(config, input!),
};

export const join: TransformerModule<z.infer<typeof joinConfig>> = {
  type: "transformer",
  name: "join",
  displayName: "Join",
  description: "Join two inputs on key columns (left input: the first edge or handle 'left')",
  icon: "join",
  color: "#EC4899",
  config: joinConfig,
  inputs: [2, 2],
  run: (ctx, config, [left, right]) => joinStreams(ctx, config, left!, right!),
};

export type { Batch };
