import "server-only";
import { z } from "zod";
import type { BatchStream, Column, ModuleContext, Row } from "../types";

export const joinConfig = z.object({
  how: z.enum(["inner", "left", "right", "full"]).default("inner").meta({ title: "Join type" }),
  left_on: z.array(z.string().min(1)).min(1, "name the left key columns").meta({ title: "Left keys" }),
  right_on: z.array(z.string().min(1)).min(1, "name the right key columns").meta({ title: "Right keys" }),
  right_prefix: z.string().max(50).default("right_").describe("Prefix for right columns whose names clash").meta({ title: "Right prefix" }),
});
export type JoinConfig = z.infer<typeof joinConfig>;

/**
 * Hash join: the right input is read into a table keyed on its join columns, the left
 * one streams past it. Null keys never match (as in SQL).
 */
export async function* joinStreams(ctx: ModuleContext, config: JoinConfig, left: BatchStream, right: BatchStream): BatchStream {
  if (config.left_on.length !== config.right_on.length) throw new Error("left_on and right_on must name as many columns");
  const table = new Map<string, { row: Row; matched: boolean }[]>();
  let rightColumns: Column[] = [];
  let rightRows = 0;
  const keyOf = (row: Row, cols: string[]) => {
    const values = cols.map((c) => row[c]);
    return values.some((v) => v === null || v === undefined) ? null : JSON.stringify(values.map(String));
  };
  for await (const batch of right) {
    rightColumns = batch.columns;
    for (const row of batch.rows) {
      rightRows += 1;
      const key = keyOf(row, config.right_on);
      if (key === null) {
        if (config.how === "right" || config.how === "full") table.set(`null:${rightRows}`, [{ row, matched: false }]);
        continue;
      }
      const list = table.get(key);
      if (list) list.push({ row, matched: false });
      else table.set(key, [{ row, matched: false }]);
    }
  }
  ctx.log("DEBUG", `Join table built from ${rightRows} right rows`, { rows: rightRows });
  let leftColumns: Column[] | null = null;
  let columns: Column[] = [];
  let rename = new Map<string, string>();
  const shape = (lc: Column[]) => {
    const names = new Set(lc.map((c) => c.name));
    rename = new Map(rightColumns.map((c) => [c.name, names.has(c.name) ? `${config.right_prefix}${c.name}` : c.name]));
    columns = [...lc, ...rightColumns.map((c) => ({ ...c, name: rename.get(c.name)! }))];
  };
  const combine = (l: Row | null, r: Row | null): Row => {
    const row: Row = {};
    for (const c of leftColumns ?? []) row[c.name] = l ? l[c.name] : null;
    for (const c of rightColumns) row[rename.get(c.name)!] = r ? r[c.name] : null;
    return row;
  };
  for await (const batch of left) {
    if (batch.columns !== leftColumns) {
      leftColumns = batch.columns;
      shape(batch.columns);
    }
    const out: Row[] = [];
    for (const l of batch.rows) {
      const key = keyOf(l, config.left_on);
      const matches = key === null ? undefined : table.get(key);
      if (matches?.length) {
        for (const m of matches) {
          m.matched = true;
          out.push(combine(l, m.row));
        }
      } else if (config.how === "left" || config.how === "full") out.push(combine(l, null));
    }
    yield { columns, rows: out };
  }
  if (!leftColumns) shape([]);
  if (config.how === "right" || config.how === "full") {
    const rest: Row[] = [];
    for (const list of table.values()) for (const m of list) if (!m.matched) rest.push(combine(null, m.row));
    yield { columns, rows: rest };
  }
}
