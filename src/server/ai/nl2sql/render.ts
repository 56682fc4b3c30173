import { path, type Edge } from "./graph";
import { tablesOf, type Cond, type Expr, type Query } from "./query";
import type { Dialect, NlSchema, NlTable } from "./types";

/**
 * Writes a query in one engine's SQL. Date filters compare with ISO text, which every
 * engine reads the same way (and SQLite stores dates as); only date buckets differ.
 */
const RESERVED = new Set(
  "all and any as asc between by case cast check column constraint create cross current date default delete desc distinct drop else end except exists false fetch for foreign from full grant group having in index inner insert intersect into is join key left like limit natural not null offset on or order outer primary references right row rows select set table then time timestamp to true union unique update user using values when where window with year month day".split(" "),
);

export function quoteIdent(name: string, dialect: Dialect): string {
  if (/^[a-z_][a-z0-9_]*$/.test(name) && !RESERVED.has(name)) return name;
  return dialect === "mysql" ? `\`${name.replace(/`/g, "``")}\`` : `"${name.replace(/"/g, '""')}"`;
}

const literal = (v: string | number) => (typeof v === "number" ? (Number.isFinite(v) ? String(v) : "NULL") : `'${v.replace(/'/g, "''")}'`);

function bucket(unit: string, col: string, dialect: Dialect): string {
  const formats: Record<Dialect, Record<string, string>> = {
    sqlite: { day: `date(${col})`, week: `strftime('%Y-W%W', ${col})`, month: `strftime('%Y-%m', ${col})`, year: `strftime('%Y', ${col})`, quarter: `strftime('%Y', ${col}) || '-Q' || ((CAST(strftime('%m', ${col}) AS INTEGER) + 2) / 3)` },
    postgres: { day: `to_char(${col}, 'YYYY-MM-DD')`, week: `to_char(${col}, 'IYYY-"W"IW')`, month: `to_char(${col}, 'YYYY-MM')`, year: `to_char(${col}, 'YYYY')`, quarter: `to_char(${col}, 'YYYY-"Q"Q')` },
    mysql: { day: `DATE_FORMAT(${col}, '%Y-%m-%d')`, week: `DATE_FORMAT(${col}, '%x-W%v')`, month: `DATE_FORMAT(${col}, '%Y-%m')`, year: `DATE_FORMAT(${col}, '%Y')`, quarter: `CONCAT(YEAR(${col}), '-Q', QUARTER(${col}))` },
  };
  return formats[dialect][unit]!;
}

export function render(q: Query, schema: NlSchema): string {
  const d = schema.dialect;
  const qi = (n: string) => quoteIdent(n, d);
  const tableRef = (t: NlTable) => (t.schema && !(schema.defaultSchemas ?? []).includes(t.schema) ? `${qi(t.schema)}.${qi(t.name)}` : qi(t.name));

  // tables and the joins that reach them from `from`
  const needed = new Set<NlTable>([q.from]);
  const all = [...q.select.map((s) => s.expr), ...q.where.map((c) => c.expr), ...q.groupBy, ...q.having.map((c) => c.expr), ...q.orderBy.map((o) => o.expr)];
  for (const e of all) for (const t of tablesOf(e)) needed.add(t);
  const joins: Edge[] = [];
  const joined = new Set<NlTable>([q.from]);
  for (const t of needed) {
    if (joined.has(t)) continue;
    const p = path(schema, q.from, t);
    if (!p) throw new Error(`no join path from ${q.from.name} to ${t.name}`);
    for (const e of p) {
      if (joined.has(e.to)) continue;
      joins.push(e);
      joined.add(e.to);
    }
  }
  const multi = joined.size > 1;
  const aliases = new Map<NlTable, string>();
  const used = new Set<string>();
  for (const t of joined) {
    const base = t.name.split(/[^a-zA-Z0-9]+/).filter(Boolean).map((w) => w[0]!.toLowerCase()).join("") || "t";
    let a = RESERVED.has(base) || base === "as" ? `${base}1` : base;
    let n = 2;
    while (used.has(a)) a = `${base}${n++}`;
    used.add(a);
    aliases.set(t, a);
  }
  const col = (t: NlTable, c: string) => (multi ? `${aliases.get(t)}.${qi(c)}` : qi(c));
  const names = new Map<Expr, string>();
  const exprSql = (e: Expr): string => {
    if (e.k === "col") return col(e.ref.table, e.ref.column.name);
    if (e.k === "bucket") return bucket(e.unit, col(e.ref.table, e.ref.column.name), d);
    if (!e.ref) {
      const pk = e.table.columns.find((c) => c.primaryKey);
      // With joins, rows of the counted table may repeat: count each once.
      return multi && pk ? `COUNT(DISTINCT ${col(e.table, pk.name)})` : "COUNT(*)";
    }
    return `${e.fn.toUpperCase()}(${e.distinct ? "DISTINCT " : ""}${col(e.ref.table, e.ref.column.name)})`;
  };
  const outName = (e: Expr, as?: string): string => {
    if (as) return as;
    if (e.k === "agg") {
      // not plain `count`: some parsers read it as the function name
      if (!e.ref) return `${e.table.name}_count`;
      const prefix = { count: e.distinct ? "distinct" : "count", sum: "total", avg: "avg", max: "max", min: "min" }[e.fn];
      return `${prefix}_${e.ref.column.name}`;
    }
    return e.k === "col" ? e.ref.column.name : "value";
  };

  const cols: string[] = [];
  const taken = new Set<string>();
  for (const s of q.select) {
    const sql = exprSql(s.expr);
    let n = outName(s.expr, s.as);
    if (taken.has(n) && s.expr.k === "col") n = `${s.expr.ref.table.name}_${n}`;
    taken.add(n);
    names.set(s.expr, n);
    const plainCol = s.expr.k === "col" && s.expr.ref.column.name === n;
    cols.push(plainCol ? sql : `${sql} AS ${qi(n)}`);
  }
  const cond = (c: Cond, e = exprSql(c.expr)) => {
    switch (c.op) {
      case "in":
      case "not in":
        return `${e} ${c.op.toUpperCase()} (${c.values.map(literal).join(", ")})`;
      case "between":
        return `${e} BETWEEN ${literal(c.values[0]!)} AND ${literal(c.values[1]!)}`;
      case "like":
        return `${e} LIKE ${literal(c.values[0]!)}`;
      default:
        return `${e} ${c.op} ${literal(c.values[0]!)}`;
    }
  };

  if (q.kind === "delete") {
    const where = q.where.map((c) => cond(c, qi(c.expr.k === "col" ? c.expr.ref.column.name : "")));
    return `DELETE FROM ${tableRef(q.from)}${where.length ? ` WHERE ${where.join(" AND ")}` : ""}`;
  }

  const lines: string[] = [];
  const select = q.star ? (multi ? `${aliases.get(q.from)}.*` : "*") : cols.join(", ");
  lines.push(`SELECT ${q.distinct ? "DISTINCT " : ""}${select}`);
  lines.push(`FROM ${tableRef(q.from)}${multi ? ` ${aliases.get(q.from)}` : ""}`);
  for (const e of joins) {
    const [own, target] = e.owner === e.from ? [e.from, e.to] : [e.to, e.from];
    const on = e.fk.columns.map((c, i) => `${col(own, c)} = ${col(target, e.fk.referencedColumns[i] ?? c)}`).join(" AND ");
    lines.push(`JOIN ${tableRef(e.to)} ${aliases.get(e.to)} ON ${on}`);
  }
  if (q.where.length) lines.push(`WHERE ${q.where.map((c) => cond(c)).join(" AND ")}`);
  if (q.groupBy.length) lines.push(`GROUP BY ${[...new Set(q.groupBy.map(exprSql))].join(", ")}`);
  if (q.having.length) lines.push(`HAVING ${q.having.map((c) => cond(c)).join(" AND ")}`);
  if (q.orderBy.length) {
    const order = q.orderBy.map((o) => {
      const n = names.get(o.expr) ?? [...names.entries()].find(([e]) => exprSql(e) === exprSql(o.expr))?.[1];
      // Aggregates by their output name (every engine accepts that); columns as themselves.
      return `${n && o.expr.k !== "col" ? qi(n) : exprSql(o.expr)} ${o.dir.toUpperCase()}`;
    });
    lines.push(`ORDER BY ${[...new Set(order)].join(", ")}`);
  }
  if (q.limit !== undefined) lines.push(`LIMIT ${q.limit}`);
  return lines.join("\n");
}
