/**
 * Execution accuracy: does the generated query return the expected answer? Columns are
 * matched by their values, not their names (an engine may call a sum `total` or
 * `total_amount`); extra columns in the answer are allowed; rows compare as a multiset,
 * or in order when the question asks for an order.
 */
type Row = Record<string, unknown>;

const norm = (v: unknown): string => {
  if (v === null || v === undefined) return "∅";
  if (typeof v === "number" || (typeof v === "string" && /^-?\d+(\.\d+)?$/.test(v))) {
    const n = Number(v);
    return Number.isInteger(n) ? String(n) : n.toFixed(2);
  }
  if (typeof v === "boolean") return v ? "1" : "0";
  return String(v);
};

export function sameAnswer(expected: Row[], actual: Row[], ordered = false): boolean {
  if (expected.length !== actual.length) return false;
  if (expected.length === 0) return true;
  const eCols = Object.keys(expected[0]!);
  const aCols = Object.keys(actual[0]!);
  const column = (rows: Row[], c: string) => rows.map((r) => norm(r[c]));
  const bag = (values: string[]) => [...values].sort().join("\u0001");
  const used = new Set<string>();
  const mapping: string[] = [];
  for (const e of eCols) {
    const want = column(expected, e);
    const wantBag = bag(want);
    const hit = aCols.find((a) => !used.has(a) && (ordered ? column(actual, a).join("\u0001") === want.join("\u0001") : bag(column(actual, a)) === wantBag));
    if (!hit) return false;
    used.add(hit);
    mapping.push(hit);
  }
  const tuples = (rows: Row[], cols: string[]) => rows.map((r) => cols.map((c) => norm(r[c])).join("\u0002"));
  const et = tuples(expected, eCols);
  const at = tuples(actual, mapping);
  return ordered ? et.join("\u0003") === at.join("\u0003") : [...et].sort().join("\u0003") === [...at].sort().join("\u0003");
}
