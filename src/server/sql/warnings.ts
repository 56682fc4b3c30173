import "server-only";
import { isNode, unwrap, walk, type Node } from "./ast-classifier";
import { isOp, isWord, type Token } from "./lexer";

export const MISSING_LIMIT = "Missing LIMIT clause";
export const SELECT_STAR = "SELECT * returns every column; consider listing the columns you need";

/** Queries without FROM, or aggregating without GROUP BY, return one row: no LIMIT needed. */
function returnsManyRows(ast: Node | undefined, tokens: Token[]): boolean {
  if (!ast) {
    let depth = 0;
    return tokens.some((t) => {
      if (isOp(t, "(")) depth++;
      else if (isOp(t, ")")) depth--;
      return depth === 0 && isWord(t, "FROM");
    });
  }
  if (ast._next) return true;
  if (!Array.isArray(ast.from) || ast.from.length === 0) return false;
  const columns = Array.isArray(ast.columns) ? ast.columns : [];
  const aggregateOnly =
    !ast.groupby && columns.length > 0 && columns.every((c) => isNode(c) && isNode(c.expr) && c.expr.type === "aggr_func");
  return !aggregateOnly;
}

const qualifierOf = (x: unknown): string | null | undefined =>
  isNode(x) && x.type === "column_ref" ? (typeof x.table === "string" ? x.table.toLowerCase() : null) : undefined;

/**
 * Best effort: FROM items form a graph whose edges are join conditions and
 * WHERE comparisons between columns of two items; more than one component is
 * a cartesian product. Unqualified columns could belong anywhere, so a
 * comparison between them is taken as linking everything.
 */
function cartesian(select: Node): string | null {
  const from = (Array.isArray(select.from) ? select.from : []).filter(isNode);
  if (from.length < 2) return null;
  const labels = from.map((f, i) => String(f.as ?? f.table ?? `#${i + 1}`));
  const parent = from.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
  const union = (a: number, b: number) => {
    parent[find(a)] = find(b);
  };
  const indexOf = (q: string) =>
    from.findIndex((f, i) => labels[i]!.toLowerCase() === q || (typeof f.table === "string" && f.table.toLowerCase() === q));

  from.forEach((f, i) => {
    if (i === 0) return;
    const isRelation = typeof f.table === "string" || (isNode(f.expr) && "ast" in f.expr);
    const joined = typeof f.join === "string" && (f.on || f.using || /NATURAL/i.test(f.join));
    // Functions in FROM (unnest, generate_series, LATERAL) usually depend on earlier items.
    if (!isRelation || joined) union(i, i - 1);
  });

  let linksEverything = false;
  walk(select.where, (node) => {
    if (node.type !== "binary_expr") return;
    const a = qualifierOf(node.left);
    const b = qualifierOf(node.right);
    if (a === undefined || b === undefined) return;
    const ia = a === null ? -1 : indexOf(a);
    const ib = b === null ? -1 : indexOf(b);
    if (ia < 0 || ib < 0) linksEverything = true;
    else union(ia, ib);
  });
  if (linksEverything) return null;
  const components = new Set(from.map((_, i) => find(i)));
  if (components.size <= 1) return null;
  return `Possible cartesian join: ${labels.join(", ")} are not all linked by a join condition`;
}

export interface WarningInput {
  operation: string;
  hasLimit: boolean;
  selectsStar: boolean;
  tokens: Token[];
  ast?: unknown;
}

/** Advice for reads the UI shows beside the editor; never affects whether SQL runs. */
export function readWarnings(input: WarningInput): string[] {
  if (input.operation !== "SELECT") return [];
  const root = unwrap(input.ast);
  const ast = isNode(root) && root.type === "select" ? root : undefined;
  const warnings: string[] = [];
  if (!input.hasLimit && returnsManyRows(ast, input.tokens)) warnings.push(MISSING_LIMIT);
  if (input.selectsStar) warnings.push(SELECT_STAR);
  for (let select: unknown = ast; isNode(select) && select.type === "select"; select = select._next) {
    const warning = cartesian(select);
    if (warning && !warnings.includes(warning)) warnings.push(warning);
  }
  return warnings;
}
