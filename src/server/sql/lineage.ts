import "server-only";
import type { SchemaSnapshot, SchemaTable } from "../connectors/types";
import { isNode, unwrap, type Node } from "./ast-classifier";
import { findTable, parsedViewQuery } from "./lineage-schema";
import type { SqlDialect } from "./types";

/**
 * Column lineage: which source columns each OUTPUT position of a read is computed
 * from. Masking keys on this, not on output names, so `email AS contact`, `lower(email)`,
 * `row_to_json(t)` or a sub-select still count as derived from `email`. Anything the
 * walk is not sure about makes the whole result "unresolved"; callers must then treat
 * the output as possibly derived from everything the statement touches.
 */
export interface SourceColumn {
  schema?: string;
  table: string;
  column: string;
}

export interface OutputLineage {
  /** The name the engine most likely gives the column (match by position). */
  name: string;
  /** The engine certainly names the column `name` (an alias or a plain column); false for expressions. */
  nameCertain: boolean;
  sources: SourceColumn[];
}

export type LineageResult =
  | { resolved: true; outputs: OutputLineage[] }
  /** `readsUnnamedData`: a function reads tables the statement does not name, so no table list tells what it reads. */
  | { resolved: false; reason: string; readsUnnamedData?: boolean };

export interface LineageOptions {
  dialect: SqlDialect;
  schema: SchemaSnapshot;
  /** The schema/database unqualified names live in (MySQL: the connected database). */
  defaultSchema?: string;
}

class Unresolved extends Error {
  constructor(
    message: string,
    readonly readsUnnamedData = false,
  ) {
    super(message);
  }
}
const fail = (reason: string, readsUnnamedData = false): never => {
  throw new Unresolved(reason, readsUnnamedData);
};

/** Source columns as `schema\u0000table\u0000column` keys, so sets dedupe them. */
type Sources = Set<string>;
interface OutCol {
  name: string;
  sources: Sources;
  /** Engines name unaliased expressions their own way. */
  uncertainName?: boolean;
}
interface Relation {
  /** Lower-cased alias, or the table's own name. */
  alias: string;
  columns: OutCol[];
}
interface Scope {
  relations: Relation[];
  /** Columns `*` expands to, in order (differs from concatenated relations after USING joins). */
  star: OutCol[];
  parent?: Scope;
  ctes: Map<string, OutCol[]>;
}

/**
 * Functions whose result reads data named in a string or from outside the statement,
 * so their arguments say nothing about what they return.
 */
const OPAQUE_FUNCTIONS = new Set([
  "query_to_xml", "query_to_xmlschema", "query_to_xml_and_xmlschema", "cursor_to_xml", "cursor_to_xmlschema",
  "table_to_xml", "table_to_xmlschema", "table_to_xml_and_xmlschema", "schema_to_xml", "schema_to_xmlschema",
  "schema_to_xml_and_xmlschema", "database_to_xml", "database_to_xmlschema", "database_to_xml_and_xmlschema",
  "ts_stat", "ts_rewrite", "dblink", "dblink_get_result", "dblink_fetch", "pg_read_file", "pg_read_binary_file",
  "lo_get", "load_file", "readfile", "xmlexists", "xpath_table", "crosstab", "json_populate_recordset",
]);

const key = (s: SourceColumn) => `${s.schema ?? ""}\u0000${s.table}\u0000${s.column}`;
const unkey = (k: string): SourceColumn => {
  const [schema, table, column] = k.split("\u0000") as [string, string, string];
  return schema ? { schema, table, column } : { table, column };
};
const union = (...sets: Sources[]): Sources => new Set(sets.flatMap((s) => [...s]));
const lower = (s: string) => s.toLowerCase();

/** node-sql-parser spells a name as a string, `{ value }` or `{ expr: { value } }` depending on grammar. */
function nameOf(x: unknown): string | null {
  if (typeof x === "string") return x;
  if (!isNode(x)) return null;
  if (typeof x.value === "string") return x.value;
  if (x.type === "column_ref") return nameOf(x.column);
  if (isNode(x.expr)) return nameOf(x.expr);
  if (Array.isArray(x.name)) {
    const parts = x.name.map(nameOf).filter((p): p is string => p !== null);
    return parts.length ? parts[parts.length - 1]! : null;
  }
  return null;
}

/** PostgreSQL's grammar keeps `AS x(a, b)` as the text "x(a, b)". */
function aliasWithColumns(as: unknown): { alias: string | null; columns: string[] | null } {
  const text = nameOf(as);
  if (text === null) return { alias: null, columns: null };
  const m = /^\s*([^()]+?)\s*\((.*)\)\s*$/.exec(text);
  if (!m) return { alias: text, columns: null };
  return { alias: m[1]!.replace(/^["`]|["`]$/g, ""), columns: m[2]!.split(",").map((c) => c.trim().replace(/^["`]|["`]$/g, "")) };
}

const isSubquery = (x: unknown): boolean => isNode(x) && (isNode(x.ast) || lower(String(x.type ?? "")) === "select");

export function resolveLineage(ast: unknown, options: LineageOptions): LineageResult {
  if (ast === undefined || ast === null) return { resolved: false, reason: "the SQL parser did not understand the statement" };
  try {
    const columns = new Walker(options).select(unwrap(ast), undefined, new Map());
    return {
      resolved: true,
      outputs: columns.map((c) => ({ name: c.name, nameCertain: !c.uncertainName, sources: [...c.sources].map(unkey) })),
    };
  } catch (e) {
    if (e instanceof Unresolved) return { resolved: false, reason: e.message, ...(e.readsUnnamedData ? { readsUnnamedData: true } : {}) };
    // Deeply nested input can overflow the stack: that is "not sure", not a crash.
    if (e instanceof RangeError) return { resolved: false, reason: "the statement is nested too deeply" };
    throw e;
  }
}

const MAX_VIEW_DEPTH = 8;

const SYSTEM_COLUMNS: Partial<Record<SqlDialect, string[]>> = {
  sqlite: ["rowid", "oid", "_rowid_"],
  postgres: ["ctid", "xmin", "xmax", "cmin", "cmax", "tableoid"],
};

class Walker {
  private viewDepth = 0;

  constructor(private readonly options: LineageOptions) {}

  select(node: unknown, parent: Scope | undefined, outerCtes: Map<string, OutCol[]>): OutCol[] {
    node = unwrap(node);
    if (!isNode(node) || lower(String(node.type ?? "")) !== "select") fail("only SELECT statements are traced");
    const select = node as Node;
    const ctes = this.withClause(select.with, parent, outerCtes);
    let columns = this.selectBody(select, parent, ctes);
    for (let next = select._next; isNode(next); next = next._next) {
      // UNION / INTERSECT / EXCEPT: each position may come from any branch.
      const branch = this.selectBody(next, parent, ctes);
      if (branch.length !== columns.length) fail("the branches of a set operation have different column counts");
      columns = columns.map((c, i) => ({ ...c, sources: union(c.sources, branch[i]!.sources) }));
    }
    return columns;
  }

  private withClause(withNode: unknown, parent: Scope | undefined, outer: Map<string, OutCol[]>): Map<string, OutCol[]> {
    if (!Array.isArray(withNode) || withNode.length === 0) return outer;
    const ctes = new Map(outer);
    for (const cte of withNode) {
      if (!isNode(cte)) fail("a WITH item has an unknown shape");
      const name = nameOf((cte as Node).name);
      if (!name) fail("a WITH item has no name");
      const renames = Array.isArray((cte as Node).columns) ? ((cte as Node).columns as unknown[]).map(nameOf) : null;
      const stmt = unwrap((cte as Node).stmt);
      const rename = (cols: OutCol[]) => {
        if (!renames) return cols;
        if (renames.length !== cols.length) fail(`the column list of ${name} does not match its query`);
        return cols.map((c, i) => (renames[i] ? { name: renames[i], sources: c.sources } : c));
      };
      const cteName = lower(name!);
      // A recursive CTE sees itself: start from the anchor branch, then widen until stable.
      const anchor = isNode(stmt) ? { ...stmt, _next: undefined } : stmt;
      // The anchor cannot refer to the CTE; a same-named table it reads is the real table.
      let current = rename(this.select(anchor, parent, ctes));
      for (let round = 0; ; round++) {
        if (round > 8) fail(`the recursive query ${name} did not settle`);
        const next = rename(this.select(stmt, parent, new Map([...ctes, [cteName, current]])));
        if (next.length !== current.length) fail(`the branches of ${name} have different column counts`);
        const widened = next.map((c, i) => ({ ...current[i]!, sources: union(current[i]!.sources, c.sources) }));
        const stable = widened.every((c, i) => c.sources.size === current[i]!.sources.size);
        current = widened;
        if (stable) break;
      }
      ctes.set(cteName, current);
    }
    return ctes;
  }

  private selectBody(node: Node, parent: Scope | undefined, ctes: Map<string, OutCol[]>): OutCol[] {
    if (lower(String(node.type ?? "select")) !== "select") fail("only SELECT statements are traced");
    const scope: Scope = { relations: [], star: [], parent, ctes };
    const from = Array.isArray(node.from) ? node.from : node.from ? fail("the FROM clause has an unknown shape") : [];
    for (const item of from as unknown[]) this.fromItem(item, scope);
    const columns = node.columns;
    if (columns === "*") return scope.star;
    if (!Array.isArray(columns)) fail("the select list has an unknown shape");
    const out: OutCol[] = [];
    for (const col of columns as unknown[]) {
      const expr = isNode(col) ? col.expr : undefined;
      if (isNode(expr) && expr.type === "column_ref" && nameOf(expr.column) === "*" && typeof expr.column !== "object") {
        out.push(...this.starOf(expr, scope));
        continue;
      }
      if (!isNode(col) || expr === undefined) fail("a select-list item has an unknown shape");
      const alias = nameOf((col as Node).as);
      const uncertainName = !alias && !(isNode(expr) && expr.type === "column_ref");
      out.push({ name: alias ?? this.defaultName(expr), sources: this.expr(expr, scope), ...(uncertainName ? { uncertainName } : {}) });
    }
    return out;
  }

  private starOf(ref: Node, scope: Scope): OutCol[] {
    const qualifier = nameOf(ref.table);
    if (!qualifier) return scope.star;
    return this.relation(qualifier, scope).columns;
  }

  private relation(qualifier: string, scope: Scope): Relation {
    for (let s: Scope | undefined = scope; s; s = s.parent) {
      const found = s.relations.find((r) => r.alias === lower(qualifier));
      if (found) return found;
    }
    return fail(`no table or alias named ${qualifier} in the query`);
  }

  private fromItem(item: unknown, scope: Scope): void {
    if (!isNode(item)) fail("a FROM item has an unknown shape");
    const from = item as Node;
    if (lower(String(from.type ?? "")) === "dual") return;
    const { alias, columns: renames } = aliasWithColumns(from.as);
    let relation: Relation;
    if (typeof from.table === "string" || isNode(from.table)) {
      const table = nameOf(from.table)!;
      const schemaName = nameOf(from.db) ?? nameOf(from.schema);
      const cte = schemaName ? undefined : scope.ctes.get(lower(table)) ?? this.cteInParents(scope, lower(table));
      const columns = cte ?? this.tableColumns(schemaName, table);
      relation = { alias: lower(alias ?? table), columns };
    } else if (isSubquery(from.expr)) {
      // Derived tables (and LATERAL ones) see the FROM items before them.
      const columns = this.select(from.expr, scope, scope.ctes);
      relation = { alias: lower(alias ?? `\u0000derived${scope.relations.length}`), columns };
    } else {
      return fail("a FROM item is neither a table nor a sub-select (table functions and VALUES are not traced)");
    }
    if (renames) {
      if (renames.length > relation.columns.length) fail(`the column list of ${alias} is longer than its source`);
      relation.columns = relation.columns.map((c, i) => (renames[i] ? { name: renames[i], sources: c.sources } : c));
    }
    this.join(scope, relation, from);
    scope.relations.push(relation);
  }

  /** `*` after JOIN ... USING lists the merged columns once (PostgreSQL/MySQL first; SQLite in place). */
  private join(scope: Scope, right: Relation, from: Node): void {
    const joinKind = lower(String(from.join ?? ""));
    if (joinKind.includes("natural")) fail("NATURAL JOIN is not traced");
    if (!Array.isArray(from.using) || from.using.length === 0) {
      scope.star = [...scope.star, ...right.columns];
      return;
    }
    const names = (from.using as unknown[]).map((u) => lower(nameOf(u) ?? fail("a USING column has an unknown shape")));
    const pick = (cols: OutCol[], n: string) => cols.find((c) => lower(c.name) === n) ?? fail(`USING column ${n} is not on both sides`);
    const merged = names.map((n) => ({ name: n, sources: union(pick(scope.star, n).sources, pick(right.columns, n).sources) }));
    const rest = (cols: OutCol[]) => cols.filter((c) => !names.includes(lower(c.name)));
    if (this.options.dialect === "sqlite") {
      scope.star = [...scope.star.map((c) => merged.find((m) => m.name === lower(c.name)) ?? c), ...rest(right.columns)];
    } else scope.star = [...merged, ...rest(scope.star), ...rest(right.columns)];
  }

  private cteInParents(scope: Scope, name: string): OutCol[] | undefined {
    for (let s = scope.parent; s; s = s.parent) if (s.ctes.has(name)) return s.ctes.get(name);
    return undefined;
  }

  private tableColumns(schemaName: string | null, table: string): OutCol[] {
    const found = findTable(this.options, schemaName, table);
    if (!found) return fail(`the table ${schemaName ? `${schemaName}.` : ""}${table} is not in the data source's schema`);
    if (found.type === "view") return this.viewColumns(found);
    return found.columns.map((c) => ({
      name: c.name,
      sources: new Set([key({ schema: found.schema, table: found.name, column: c.name })]),
    }));
  }

  /** A view's columns derive from whatever its query reads, not from the view itself. */
  private viewColumns(view: SchemaTable): OutCol[] {
    const query = parsedViewQuery(view, this.options.dialect);
    if (!query) return fail(`the definition of the view ${view.name} is unknown`);
    if (++this.viewDepth > MAX_VIEW_DEPTH) fail(`views are nested more than ${MAX_VIEW_DEPTH} deep`);
    try {
      const columns = this.select(query.ast, undefined, new Map());
      if (columns.length !== view.columns.length) fail(`the view ${view.name} has changed since its columns were read`);
      return view.columns.map((c, i) => ({ name: c.name, sources: columns[i]!.sources }));
    } finally {
      this.viewDepth--;
    }
  }

  private expr(x: unknown, scope: Scope): Sources {
    if (Array.isArray(x)) return union(...x.map((item) => this.expr(item, scope)));
    if (!isNode(x)) return new Set();
    if (isSubquery(x)) {
      // A sub-select's value may be any of its outputs; it resolves against the enclosing scopes.
      return union(...this.select(x, scope, scope.ctes).map((c) => c.sources));
    }
    const type = lower(String(x.type ?? ""));
    if (type === "column_ref") return this.columnRef(x, scope);
    if (type === "aggr_func" && lower(nameOf(x.name) ?? "") === "count") return new Set(); // counts carry no values
    if (type === "function" || type === "aggr_func") {
      const fn = lower(nameOf(x.name) ?? "");
      if (OPAQUE_FUNCTIONS.has(fn)) fail(`${fn}() reads data the query does not name`, true);
      this.assertNotUserDefined(x, fn);
      return union(this.expr(x.args, scope), this.expr(x.filter, scope));
    }
    const parts: Sources[] = [];
    for (const [field, child] of Object.entries(x)) {
      if (field === "over" || field === "as" || field === "type") continue;
      if (typeof child === "object" && child !== null) parts.push(this.expr(child, scope));
    }
    return union(...parts);
  }

  /** A user-defined function's body may read any table: what it returns cannot be traced. */
  private assertNotUserDefined(call: Node, fn: string): void {
    const qualifier = lower(nameOf(isNode(call.name) ? call.name.schema : undefined) ?? nameOf(call.schema) ?? "");
    const builtinSchema = qualifier === "" || (this.options.dialect === "postgres" && qualifier === "pg_catalog");
    if (!builtinSchema || this.options.schema.functions?.includes(fn)) fail(`${fn}() is a user-defined function`, true);
  }

  private columnRef(ref: Node, scope: Scope): Sources {
    const column = nameOf(ref.column);
    if (column === null) return fail("a column reference has an unknown shape");
    const qualifier = nameOf(ref.table);
    if (column === "*") return union(...(qualifier ? this.relation(qualifier, scope).columns : scope.star).map((c) => c.sources));
    if (qualifier) {
      const relation = this.relation(qualifier, scope);
      const hit = relation.columns.filter((c) => lower(c.name) === lower(column));
      if (hit.length === 0 && this.isSystemColumn(column)) return new Set();
      if (hit.length === 0) fail(`${qualifier} has no column ${column}`);
      return union(...hit.map((c) => c.sources));
    }
    for (let s: Scope | undefined = scope; s; s = s.parent) {
      const hits = s.relations.flatMap((r) => r.columns.filter((c) => lower(c.name) === lower(column)));
      if (hits.length) return union(...hits.map((c) => c.sources));
      // PostgreSQL whole-row reference: `t` (in `row_to_json(t)`, `SELECT t`) is every column of t.
      const whole = s.relations.find((r) => r.alias === lower(column));
      if (whole) return union(...whole.columns.map((c) => c.sources));
    }
    if (this.isSystemColumn(column)) return new Set();
    return fail(`the column ${column} could not be placed on a table`);
  }

  /** Row identifiers and versions every table has without declaring them: no personal values. */
  private isSystemColumn(column: string): boolean {
    return (SYSTEM_COLUMNS[this.options.dialect] ?? []).includes(lower(column));
  }

  private defaultName(expr: unknown): string {
    if (!isNode(expr)) return "?column?";
    const type = lower(String(expr.type ?? ""));
    if (type === "column_ref") return nameOf(expr.column) ?? "?column?";
    if (type === "function" || type === "aggr_func") return lower(nameOf(expr.name) ?? "?column?");
    if (type === "cast") return this.defaultName(expr.expr);
    return "?column?";
  }
}
