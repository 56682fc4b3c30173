import type { Agg, Unit } from "./spans";
import type { NlColumn, NlTable } from "./types";

/** What the engine means to ask the database, before it is written in a dialect. */
export interface ColRef {
  table: NlTable;
  column: NlColumn;
}

export type Expr =
  | { k: "col"; ref: ColRef }
  /** count(*) of `table` when `ref` is absent */
  | { k: "agg"; fn: Agg; ref?: ColRef; table: NlTable; distinct?: boolean }
  | { k: "bucket"; unit: Unit; ref: ColRef };

export type Op = "=" | "<>" | ">" | ">=" | "<" | "<=" | "in" | "not in" | "between" | "like";

export interface Cond {
  expr: Expr;
  op: Op;
  values: (string | number)[];
}

export interface Query {
  kind: "select" | "delete";
  from: NlTable;
  select: { expr: Expr; as?: string }[];
  /** select the whole row of `from` */
  star: boolean;
  distinct: boolean;
  where: Cond[];
  groupBy: Expr[];
  having: Cond[];
  orderBy: { expr: Expr; dir: "asc" | "desc" }[];
  limit?: number;
}

export function tablesOf(e: Expr): NlTable[] {
  if (e.k === "agg") return e.ref ? [e.ref.table] : [e.table];
  return [e.ref.table];
}
