import "server-only";

/**
 * What an engine's own catalogue says about the code a read could run. Built by the
 * connector (PostgreSQL: pg_proc, pg_operator, pg_type, pg_rewrite) and consumed by the
 * read policy, which therefore never imports a connector. Everything is a Map keyed
 * the way the policy looks things up, so a check is a handful of Map hits.
 */

export type Volatility = "immutable" | "stable" | "volatile";

export interface CatalogFunction {
  oid: number;
  /** As stored (case-sensitive; unquoted SQL names are folded to lower case before lookup). */
  name: string;
  schema: string;
  volatility: Volatility;
  language: string;
  /** Owned by the bootstrap superuser (the role that ran initdb / CREATE EXTENSION on most installs). */
  bootstrapOwner: boolean;
  /** The extension this function belongs to, when CREATE EXTENSION installed it. */
  extension: string | null;
  /** Arguments a call must pass (declared minus defaulted), and how many it may pass. */
  minArgs: number;
  maxArgs: number;
  variadic: boolean;
  /** Takes an `internal` argument, which no SQL expression can produce: not reachable from a query. */
  takesInternal?: boolean;
  /** The SQL text of a user-defined LANGUAGE sql function, so the policy can check what it runs. */
  body?: string | null;
}

/** Objects that run functions when a statement only names them. */
export interface CatalogObject {
  schema: string;
  /** Function oids this object can run: a type's input/cast/domain-check functions, a view's (transitive) calls. */
  functions: number[];
}

export interface FunctionCatalog {
  loadedAt: number;
  functionsByName: Map<string, CatalogFunction[]>;
  functionsByOid: Map<number, CatalogFunction>;
  /** Operator name → oids of the functions implementing each operator of that name. */
  operators: Map<string, number[]>;
  /** Longest operator name, so a long run of operator characters is not checked piece by piece beyond it. */
  maxOperatorLength: number;
  /** Type name → types that run something other than built-in code when a value is cast to them. */
  types: Map<string, CatalogObject[]>;
  /** Relation name → views whose definition, or tables whose row-level security policies, call functions. */
  views: Map<string, CatalogObject[]>;
}

export function emptyCatalog(): FunctionCatalog {
  return { loadedAt: Date.now(), functionsByName: new Map(), functionsByOid: new Map(), operators: new Map(), maxOperatorLength: 0, types: new Map(), views: new Map() };
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Assembles a catalogue from rows; connectors call this so the Map layout lives in one place. */
export function buildCatalog(rows: {
  functions: CatalogFunction[];
  operators: { name: string; function: number }[];
  types: ({ name: string } & CatalogObject)[];
  views: ({ name: string; dependsOn: string[] } & CatalogObject)[];
}): FunctionCatalog {
  const catalog = emptyCatalog();
  for (const fn of rows.functions) {
    catalog.functionsByOid.set(fn.oid, fn);
    push(catalog.functionsByName, fn.name, fn);
  }
  for (const op of rows.operators) {
    push(catalog.operators, op.name, op.function);
    catalog.maxOperatorLength = Math.max(catalog.maxOperatorLength, op.name.length);
  }
  for (const type of rows.types) push(catalog.types, type.name, { schema: type.schema, functions: type.functions });
  // A view over a view runs the inner view's calls too: close over dependencies once here.
  const byKey = new Map(rows.views.map((v) => [`${v.schema}.${v.name}`, v]));
  const closure = (key: string, seen: Set<string>): number[] => {
    const view = byKey.get(key);
    if (!view || seen.has(key)) return [];
    seen.add(key);
    return [...view.functions, ...view.dependsOn.flatMap((inner) => closure(inner, seen))];
  };
  for (const view of rows.views) {
    const functions = [...new Set(closure(`${view.schema}.${view.name}`, new Set()))];
    if (functions.length) push(catalog.views, view.name, { schema: view.schema, functions });
  }
  return catalog;
}
