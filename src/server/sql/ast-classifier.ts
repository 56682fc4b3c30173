import "server-only";
import { LOCKING, selectInto } from "./keyword-classifier";
import { maxKind, type SqlDialect, type StatementKind } from "./types";

/**
 * Classification from node-sql-parser's AST. Its typings cover a fraction of what
 * the grammars emit, so nodes are walked as plain records.
 */
export type Node = Record<string, unknown>;

export const isNode = (x: unknown): x is Node => typeof x === "object" && x !== null && !Array.isArray(x);

/** SQLite (and some other grammars) wrap nested statements as `{ tableList, columnList, ast }`. */
export const unwrap = (x: unknown): unknown => (isNode(x) && "ast" in x && "tableList" in x ? x.ast : x);

const typeOf = (x: unknown): string => (isNode(x) && typeof x.type === "string" ? x.type.toLowerCase() : "");

const DML = new Set(["insert", "replace", "update", "delete", "merge", "load_data"]);
const DDL = new Set(["create", "alter", "drop", "truncate", "rename", "comment", "grant", "revoke"]);
const READS = new Set(["show", "desc"]);

export interface AstVerdict {
  kind: StatementKind;
  reasons: string[];
}

/** Depth-first over every node, descending into wrapped sub-statements. */
export function walk(x: unknown, visit: (node: Node, isRoot: boolean) => void, isRoot = true): void {
  const value = unwrap(x);
  if (Array.isArray(value)) {
    for (const item of value) walk(item, visit, false);
    return;
  }
  if (!isNode(value)) return;
  visit(value, isRoot);
  for (const child of Object.values(value)) {
    if (typeof child === "object" && child !== null) walk(child, visit, false);
  }
}

function classifySelect(ast: Node, dialect: SqlDialect): AstVerdict {
  const verdict: AstVerdict = { kind: "read", reasons: [] };
  const add = (kind: StatementKind, reason: string) => {
    verdict.kind = maxKind(verdict.kind, kind);
    if (!verdict.reasons.includes(reason)) verdict.reasons.push(reason);
  };
  walk(ast, (node, isRoot) => {
    const type = typeOf(node);
    if (!isRoot && DML.has(type)) add("write", `Contains a data-modifying ${type.toUpperCase()}`);
    if (type !== "select") return;
    const into = node.into;
    if (isNode(into) && (into.expr || into.keyword)) {
      const keyword = typeof into.keyword === "string" ? into.keyword : "";
      add(...selectInto(keyword.toLowerCase() === "var" ? "var" : keyword || "table", dialect));
    }
    if (node.locking_read || node.for_update) add("other", LOCKING);
  });
  return verdict;
}

export function classifyAst(ast: unknown, dialect: SqlDialect): AstVerdict {
  const node = unwrap(ast);
  const type = typeOf(node);
  const label = type.toUpperCase().replace("_", " ");
  if (type === "select") return classifySelect(node as Node, dialect);
  if (READS.has(type)) return { kind: "read", reasons: [] };
  if (type === "explain") {
    const inner = classifyAst((node as Node).expr, dialect);
    return inner.kind === "read" ? inner : { kind: inner.kind, reasons: ["EXPLAIN of a statement that is not a read", ...inner.reasons] };
  }
  if (DML.has(type)) return { kind: "write", reasons: [`${label} modifies data`] };
  if (DDL.has(type)) return { kind: "ddl", reasons: [`${label} changes the schema`] };
  if (type === "transaction") return { kind: "transaction", reasons: ["Transaction control"] };
  return { kind: "other", reasons: [`${label || "This statement"} is not a plain read`] };
}

/** `schema.table` names from node-sql-parser's `type::db::table` list, without CTE names. */
export function tablesFromAst(asts: unknown[], tableList: string[]): string[] {
  const ctes = new Set<string>();
  walk(asts, (node) => {
    if (!Array.isArray(node.with)) return;
    for (const cte of node.with) {
      const name = isNode(cte) ? cte.name : undefined;
      const value = isNode(name) ? name.value : name;
      if (typeof value === "string") ctes.add(value.toLowerCase());
    }
  });
  const tables: string[] = [];
  for (const entry of tableList) {
    const [, db, table] = entry.split("::");
    if (!table || (db === "null" && ctes.has(table.toLowerCase()))) continue;
    const name = db && db !== "null" ? `${db}.${table}` : table;
    if (!tables.includes(name)) tables.push(name);
  }
  return tables;
}
