import "server-only";
import { analyzeSql } from "./analyze";
import type { CatalogFunction, FunctionCatalog } from "./function-catalog";
import { collectFunctionRefs, type CallRef, type FunctionRefs } from "./function-refs";
import { sideEffectFunction } from "./side-effect-functions";
import type { SqlDialect } from "./types";

/**
 * Which functions a read may run. PostgreSQL is judged against its own catalogue: a
 * function must be built in (pg_catalog) or come from a vetted extension, be IMMUTABLE
 * or STABLE (or on a short list of harmless volatile ones), and not be on the deny-list
 * below. That holds for every way PostgreSQL can reach a function: a call anywhere,
 * attribute notation, an operator, a cast, a view's definition. MySQL and SQLite have no
 * catalogue that says what a function does, so they keep their static deny-list, applied
 * to the same collected references.
 */

export type ReadPolicyVerdict =
  | { ok: true }
  /** `catalogMiss`: a name was not in the catalogue; a fresher catalogue might know it. */
  | { ok: false; reasons: string[]; catalogMiss: boolean };

// Deny-listed whatever their volatility says, grouped so the refusal can say why.
const DENIED: [RegExp, string][] = [
  [/^(pg_terminate_backend|pg_cancel_backend|pg_reload_conf|pg_rotate_logfile(_old)?|pg_log_backend_memory_contexts|pg_promote|pg_notify)$/, "signals the server or other sessions"],
  [/^(pg_read_(binary_)?file(_old)?|pg_ls_\w+|pg_stat_file|pg_file_\w+|pg_write_file|pg_current_logfile|pg_show_all_file_settings|pg_hba_file_rules|pg_ident_file_mappings)$/, "reads or writes server files"],
  [/^(lo_\w+|loread|lowrite)$/, "works on large objects"],
  [/^pg_(try_)?advisory_/, "takes or releases advisory locks"],
  [/^(dblink\w*|postgres_fdw_\w+)$/, "opens connections to other databases"],
  [/^(set_config|setseed)$/, "changes session configuration"],
  [/^(nextval|setval|currval|lastval|pg_sequence_last_value)$/, "uses sequences"],
  [/^(txid_current(_if_assigned)?|pg_current_xact_id(_if_assigned)?|pg_export_snapshot)$/, "assigns transaction ids or exports snapshots"],
  [/^(pg_(create|copy|drop)_\w*replication_slot|pg_replication_slot_advance|pg_replication_origin_\w+|pg_logical_\w+|pg_wal_replay_\w+|pg_switch_(wal|xlog)|pg_create_restore_point|pg_(start|stop)_backup|pg_backup_\w+|pg_stat_reset\w*|pg_stat_clear_snapshot|pg_stat_force_next_flush|pg_import_system_collations|binary_upgrade_\w+)$/, "controls replication, WAL, backups or statistics"],
  [/^pg_sleep/, "stalls the connection"],
  [/^(query_to_xml\w*|cursor_to_xml\w*|table_to_xml\w*|schema_to_xml\w*|database_to_xml\w*|ts_stat|ts_rewrite)$/, "runs SQL given as a string, or reads whole tables past Quarry's checks"],
];

// Extensions whose whole purpose is reaching outside the database or into its storage.
const DENIED_EXTENSIONS = new Set(["dblink", "postgres_fdw", "file_fdw", "adminpack", "lo", "pageinspect", "pg_surgery", "pg_visibility", "amcheck", "pg_prewarm", "pg_buffercache"]);

// Volatile in the catalogue, but read-only and harmless on a read path.
const HARMLESS_VOLATILE = new Set([
  "random",
  "random_normal",
  "clock_timestamp",
  "timeofday",
  "gen_random_uuid",
  "uuidv4",
  "uuidv7",
  "uuid_generate_v1",
  "uuid_generate_v1mc",
  "uuid_generate_v4",
  "gen_random_bytes",
  "gen_salt",
  "pg_relation_size",
  "pg_table_size",
  "pg_indexes_size",
  "pg_total_relation_size",
  "pg_database_size",
  "pg_tablespace_size",
  "pg_is_in_recovery",
  "pg_partition_tree",
  "pg_partition_ancestors",
  "pg_blocking_pids",
  "pg_jit_available",
]);

// Languages an extension's vetted functions are written in; PL code can do anything.
const EXTENSION_LANGUAGES = new Set(["c", "internal", "sql"]);
const TABLESAMPLE_METHODS = new Set(["system", "bernoulli"]);

/** Why a function is refused; `unsafe` when it is known to do harm, not merely unverified. */
interface Refusal {
  text: string;
  unsafe: boolean;
}

const verdicts = new WeakMap<FunctionCatalog, Map<number, Refusal | null>>();

function qualified(fn: CatalogFunction): string {
  return fn.schema === "pg_catalog" ? fn.name : `${fn.schema}.${fn.name}`;
}

function judge(fn: CatalogFunction, catalog: FunctionCatalog): Refusal | null {
  const denied = DENIED.find(([pattern]) => pattern.test(fn.name)) ?? (sideEffectFunction(fn.name, "postgres") ? [null, "has side effects"] : null);
  if (denied) return { text: `${qualified(fn)}() ${denied[1]}`, unsafe: true };
  if (fn.extension && DENIED_EXTENSIONS.has(fn.extension)) {
    return { text: `${qualified(fn)}() belongs to the ${fn.extension} extension, which reaches outside the database`, unsafe: true };
  }
  if (fn.volatility === "volatile" && !HARMLESS_VOLATILE.has(fn.name)) {
    return { text: `${qualified(fn)}() is VOLATILE, so it may change state; only IMMUTABLE and STABLE functions run on the read path`, unsafe: true };
  }
  const builtin = fn.schema === "pg_catalog" || (fn.schema === "information_schema" && fn.bootstrapOwner);
  const vetted = fn.extension !== null && fn.bootstrapOwner && EXTENSION_LANGUAGES.has(fn.language);
  if (!builtin && !vetted) {
    // A non-volatile SQL function is as safe as the statements in its body, judged the same way.
    if (fn.language === "sql" && fn.body) {
      const inner = bodyRefusal(fn.body, catalog);
      return inner ? { text: `${qualified(fn)}() runs SQL that is refused: ${inner.text}`, unsafe: inner.unsafe } : null;
    }
    return {
      text: `Quarry cannot verify that ${qualified(fn)}() is read-only: it is a user-defined function (${fn.language}), not a built-in or extension function`,
      unsafe: false,
    };
  }
  return null;
}

/** Memoized per catalogue: a function's verdict does not change until the catalogue does. */
function refusalOf(catalog: FunctionCatalog, oid: number): Refusal | null {
  let memo = verdicts.get(catalog);
  if (!memo) verdicts.set(catalog, (memo = new Map()));
  if (memo.has(oid)) return memo.get(oid)!;
  const fn = catalog.functionsByOid.get(oid);
  // Until judged, a function is refused: a SQL function that (indirectly) calls itself is never proven safe.
  memo.set(oid, { text: `Quarry cannot verify that ${fn ? qualified(fn) : `function #${oid}`}() is read-only: it calls itself`, unsafe: false });
  const verdict = fn ? judge(fn, catalog) : { text: `Quarry cannot verify that function #${oid} is read-only`, unsafe: true };
  memo.set(oid, verdict);
  return verdict;
}

const firstRefusal = (catalog: FunctionCatalog, oids: Iterable<number>): string | null => {
  for (const oid of oids) {
    const refusal = refusalOf(catalog, oid);
    if (refusal) return refusal.text;
  }
  return null;
};

/**
 * Operators: argument types are unknown, so `=` may resolve to any implementation. One
 * known to do harm refuses the name; merely unverified ones (a user type's own `=`) refuse
 * it only when nothing else could be meant, or every common operator would be refused in
 * a database that defines one for its own type.
 */
function operatorRefusal(catalog: FunctionCatalog, oids: number[]): string | null {
  const refusals = oids.map((oid) => refusalOf(catalog, oid));
  const unsafe = refusals.find((r) => r?.unsafe);
  if (unsafe) return unsafe.text;
  return refusals.every((r) => r !== null) ? (refusals[0]?.text ?? null) : null;
}

const matchesSchema = (schema: string | undefined, objectSchema: string) =>
  schema === undefined || schema === objectSchema || (schema === "pg_temp" && objectSchema.startsWith("pg_temp"));

function checkCall(call: CallRef, refs: FunctionRefs, catalog: FunctionCatalog, out: Reasons): void {
  // The built-in sampling methods are handlers that only TABLESAMPLE can invoke (the parser may report them as calls).
  if (TABLESAMPLE_METHODS.has(call.name) && !call.schema && refs.calls.some((c) => c.context === "tablesample" && c.name === call.name)) return;
  const overloads = (catalog.functionsByName.get(call.name) ?? []).filter((fn) => matchesSchema(call.schema, fn.schema));
  if (overloads.length > 0) {
    // Argument types are unknown here, so every overload the call could resolve to must pass.
    const refusal = firstRefusal(catalog, overloads.map((fn) => fn.oid));
    if (refusal) out.add(refusal);
    return;
  }
  // No function of that name can run; syntax, aliases and type modifiers are not calls.
  if (call.context !== "call") return;
  if (call.from === "tokens" && refs.aliases.includes(call.name)) return;
  if (catalog.types.has(call.name)) return; // a function-style cast, judged with the types
  const name = call.schema ? `${call.schema}.${call.name}` : call.name;
  out.add(`Quarry cannot verify that ${name}() is read-only: the database's catalogue has no such function`);
  out.catalogMiss = true;
}

class Reasons {
  readonly list: string[] = [];
  catalogMiss = false;
  add(reason: string): void {
    if (!this.list.includes(reason)) this.list.push(reason);
  }
}

function checkPostgres(refs: FunctionRefs, catalog: FunctionCatalog, out: Reasons): void {
  for (const call of refs.calls) checkCall(call, refs, catalog, out);
  for (const name of new Set(refs.attributes)) {
    // Only what one value can be passed to: `t.system` is a column, not the TABLESAMPLE handler system(internal).
    const callable = (catalog.functionsByName.get(name) ?? []).filter((fn) => fn.minArgs <= 1 && (fn.maxArgs >= 1 || fn.variadic) && !fn.takesInternal);
    const refusal = firstRefusal(catalog, callable.map((fn) => fn.oid));
    if (refusal) out.add(`.${name} can call ${name}() through attribute notation (x.${name} is ${name}(x)), and ${refusal}`);
  }
  for (const run of new Set(refs.operators)) {
    // The server may split a run of operator characters differently: check every piece.
    for (let i = 0; i < run.length; i++) {
      for (let j = i + 1; j <= Math.min(run.length, i + catalog.maxOperatorLength); j++) {
        const implementations = catalog.operators.get(run.slice(i, j));
        const refusal = implementations && operatorRefusal(catalog, implementations);
        if (refusal) out.add(`The operator ${run.slice(i, j)} is implemented by a function that is refused: ${refusal}`);
      }
    }
  }
  for (const name of new Set(refs.types)) {
    for (const type of catalog.types.get(name) ?? []) {
      const refusal = firstRefusal(catalog, type.functions);
      if (refusal) out.add(`Casting to ${type.schema}.${name} runs functions that are refused: ${refusal}`);
    }
  }
  for (const name of new Set(refs.identifiers)) {
    for (const view of catalog.views.get(name) ?? []) {
      const refusal = firstRefusal(catalog, view.functions);
      if (refusal) out.add(`Reading ${view.schema}.${name} runs functions (in its view definition or row security policies) that are refused: ${refusal}`);
    }
  }
}

function bodyRefusal(body: string, catalog: FunctionCatalog): Refusal | null {
  const analysis = analyzeSql(body, "postgres");
  if (!analysis.ok) return { text: "Quarry cannot parse its body", unsafe: false };
  for (const statement of analysis.statements) {
    if (statement.kind !== "read") return { text: `its body is not a plain read (${statement.reasons[0] ?? statement.operation})`, unsafe: true };
    const out = new Reasons();
    checkPostgres(collectFunctionRefs(statement, "postgres"), catalog, out);
    if (out.list.length) return { text: out.list[0]!, unsafe: true };
  }
  return null;
}

function checkStatic(refs: FunctionRefs, dialect: SqlDialect, out: Reasons): void {
  for (const call of refs.calls) {
    const fn = sideEffectFunction(call.name, dialect);
    if (fn) out.add(`${fn}() has side effects (locks, files, sleeping, sequences or running SQL strings) and is refused on the read path`);
  }
}

/**
 * Decides whether a read may run. `catalog` is the engine's catalogue (PostgreSQL);
 * without one only the static deny-list applies. Cheap: the statement is re-lexed once
 * (twice when it holds backslashes) and every lookup is a Map hit.
 */
export function checkReadPolicy(
  statement: { text: string; ast?: unknown },
  dialect: SqlDialect,
  catalog: FunctionCatalog | null,
): ReadPolicyVerdict {
  const refs = collectFunctionRefs(statement, dialect);
  const out = new Reasons();
  for (const text of refs.unverifiable) out.add(`Quarry cannot verify what ${text} names: names written with Unicode escapes are refused on the read path`);
  if (dialect === "postgres" && catalog) checkPostgres(refs, catalog, out);
  else checkStatic(refs, dialect, out);
  return out.list.length === 0 ? { ok: true } : { ok: false, reasons: out.list, catalogMiss: out.catalogMiss };
}
