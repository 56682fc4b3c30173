import "server-only";
import { buildCatalog, type CatalogFunction, type FunctionCatalog, type Volatility } from "../../sql/function-catalog";
import { checkout, pgQueryError, release, type PgContext } from "./run";

/**
 * Loads what the read policy needs from the live database's catalogue. One load is
 * shared by concurrent callers and kept for a few minutes; a caller that met a name
 * the catalogue lacks may ask for a fresh copy (a function created since the load),
 * at most once per `REFRESH_FLOOR_MS` so unknown names cannot turn into a load storm.
 */

const TTL_MS = 3 * 60_000;
const REFRESH_FLOOR_MS = 10_000;

const FUNCTIONS = `
SELECT p.oid::int8 AS oid, p.proname AS name, n.nspname AS schema, p.provolatile AS volatility,
       l.lanname AS language, p.proowner = 10 AS bootstrap_owner, e.extname AS extension,
       p.pronargs AS nargs, p.pronargdefaults AS ndefaults, p.provariadic <> 0 AS variadic,
       'internal'::regtype = ANY (p.proargtypes) AS takes_internal,
       CASE WHEN l.lanname = 'sql' AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND e.extname IS NULL
            THEN p.prosrc END AS body
FROM pg_proc p
JOIN pg_namespace n ON n.oid = p.pronamespace
JOIN pg_language l ON l.oid = p.prolang
LEFT JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
LEFT JOIN pg_extension e ON e.oid = d.refobjid
WHERE p.prokind <> 'p'`;

const OPERATORS = `SELECT oprname AS name, oprcode::oid::int8 AS function FROM pg_operator WHERE oprcode <> 0`;

// Casting a value to a type runs its input function, any cast function into it and, for a
// domain, the functions its CHECK constraints call. Built-in, enum and row types run only
// built-in code, so only other types are listed.
const TYPES = `
SELECT t.typname AS name, n.nspname AS schema,
       array_remove(array_agg(DISTINCT f.fn), NULL) AS functions
FROM pg_type t
JOIN pg_namespace n ON n.oid = t.typnamespace
LEFT JOIN pg_type base ON base.oid = t.typbasetype
CROSS JOIN LATERAL (
  SELECT t.typinput::oid::int8 AS fn
  UNION ALL SELECT base.typinput::oid::int8 WHERE base.oid IS NOT NULL
  UNION ALL SELECT c.castfunc::int8 FROM pg_cast c WHERE c.casttarget = t.oid AND c.castfunc <> 0
  UNION ALL SELECT d.refobjid::int8 FROM pg_constraint k
    JOIN pg_depend d ON d.classid = 'pg_constraint'::regclass AND d.objid = k.oid AND d.refclassid = 'pg_proc'::regclass
    WHERE k.contypid = t.oid
) f
WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND t.typtype IN ('b', 'd', 'r', 'm')
GROUP BY t.typname, n.nspname`;

// Reading a view runs the functions (and operator functions) its definition calls; reading
// a table with row-level security runs its policies' functions. System views are left out.
const RELATIONS = `
SELECT v.relname AS name, n.nspname AS schema,
       array_remove(array_agg(DISTINCT coalesce(CASE WHEN d.refclassid = 'pg_proc'::regclass THEN d.refobjid::int8 END, o.oprcode::oid::int8)), NULL) AS functions,
       array_remove(array_agg(DISTINCT CASE WHEN rc.relkind = 'v' AND rc.oid <> v.oid THEN rn.nspname || '.' || rc.relname END), NULL) AS depends_on
FROM pg_class v
JOIN pg_namespace n ON n.oid = v.relnamespace
JOIN pg_rewrite r ON r.ev_class = v.oid
JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid
LEFT JOIN pg_operator o ON d.refclassid = 'pg_operator'::regclass AND o.oid = d.refobjid
LEFT JOIN pg_class rc ON d.refclassid = 'pg_class'::regclass AND rc.oid = d.refobjid
LEFT JOIN pg_namespace rn ON rn.oid = rc.relnamespace
WHERE v.relkind = 'v' AND n.nspname NOT IN ('pg_catalog', 'information_schema')
GROUP BY v.relname, n.nspname
UNION ALL
SELECT t.relname, n.nspname,
       array_remove(array_agg(DISTINCT coalesce(CASE WHEN d.refclassid = 'pg_proc'::regclass THEN d.refobjid::int8 END, o.oprcode::oid::int8)), NULL),
       '{}'::text[]
FROM pg_policy p
JOIN pg_class t ON t.oid = p.polrelid
JOIN pg_namespace n ON n.oid = t.relnamespace
JOIN pg_depend d ON d.classid = 'pg_policy'::regclass AND d.objid = p.oid
LEFT JOIN pg_operator o ON d.refclassid = 'pg_operator'::regclass AND o.oid = d.refobjid
WHERE d.refclassid IN ('pg_proc'::regclass, 'pg_operator'::regclass)
GROUP BY t.relname, n.nspname`;

const VOLATILITY: Record<string, Volatility> = { i: "immutable", s: "stable", v: "volatile" };

type Row = Record<string, unknown>;
const num = (x: unknown): number => Number(x);
const nums = (x: unknown): number[] => (Array.isArray(x) ? x.map(num) : []);
const strs = (x: unknown): string[] => (Array.isArray(x) ? x.map(String) : []);

async function loadCatalog(ctx: PgContext): Promise<FunctionCatalog> {
  const lease = await checkout(ctx);
  try {
    const rows = async (text: string) => (await lease.client.query<Row>(text)).rows;
    const functions = await rows(FUNCTIONS);
    const operators = await rows(OPERATORS);
    const types = await rows(TYPES);
    const views = await rows(RELATIONS);
    return buildCatalog({
      functions: functions.map(
        (r): CatalogFunction => ({
          oid: num(r.oid),
          name: String(r.name),
          schema: String(r.schema),
          volatility: VOLATILITY[String(r.volatility)] ?? "volatile",
          language: String(r.language),
          bootstrapOwner: r.bootstrap_owner === true,
          extension: typeof r.extension === "string" ? r.extension : null,
          minArgs: num(r.nargs) - num(r.ndefaults),
          maxArgs: num(r.nargs),
          variadic: r.variadic === true,
          takesInternal: r.takes_internal === true,
          body: typeof r.body === "string" && r.body.trim() ? r.body : null,
        }),
      ),
      operators: operators.map((r) => ({ name: String(r.name), function: num(r.function) })),
      types: types.map((r) => ({ name: String(r.name), schema: String(r.schema), functions: nums(r.functions) })),
      views: views.map((r) => ({ name: String(r.name), schema: String(r.schema), functions: nums(r.functions), dependsOn: strs(r.depends_on) })),
    });
  } catch (err) {
    lease.broken = true;
    throw pgQueryError(err, 0);
  } finally {
    release(lease);
  }
}

export interface CatalogCache {
  get(options?: { refresh?: boolean }): Promise<FunctionCatalog>;
  /** After a write through Quarry (which may have been DDL), the next read loads afresh. */
  invalidate(): void;
}

export function catalogCache(ctx: PgContext): CatalogCache {
  let current: FunctionCatalog | null = null;
  let loading: Promise<FunctionCatalog> | null = null;
  let generation = 0;
  const get = (options: { refresh?: boolean } = {}): Promise<FunctionCatalog> => {
    const age = current ? Date.now() - current.loadedAt : Infinity;
    const fresh = options.refresh ? age < REFRESH_FLOOR_MS : age < TTL_MS;
    if (current && fresh) return Promise.resolve(current);
    if (!loading) {
      const started = generation;
      loading = loadCatalog(ctx)
        .then((catalog) => {
          // A load that began before an invalidation may predate the DDL: its waiters get it, nobody later does.
          if (started === generation) current = catalog;
          return catalog;
        })
        .finally(() => {
          if (started === generation) loading = null;
        });
    }
    return loading;
  };
  return {
    get,
    invalidate() {
      generation++;
      current = null;
      loading = null;
    },
  };
}
