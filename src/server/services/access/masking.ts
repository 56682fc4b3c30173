import "server-only";
import type { ResultColumn, SchemaSnapshot } from "../../connectors/types";
import { AppError, isAppError } from "../../errors";
import { resolveLineage } from "../../sql/lineage";
import { touchedTables } from "../../sql/touched-tables";
import type { AnalyzedStatement, SqlDialect } from "../../sql/types";
import type { Access } from ".";

/**
 * Column masking for users who may not write to the data source. What is personal is
 * decided per SOURCE column; which outputs carry it is decided by column lineage
 * (sql/lineage.ts), so renaming, wrapping or aggregating a personal column does not
 * unmask it. Until the data dictionary tags columns as PII, names decide what is personal.
 */
const PII_NAME =
  /(^|_)(e?mail|email_address|phone|phone_number|mobile|cell|ssn|social_security|password|passwd|pwd|secret|token|api_key|credit_card|card_number|cc_number|iban|account_number|tax_id|passport|national_id|date_of_birth|dob|birth_date|birthdate|street|address|address_line\d?|ip_address)($|_)/i;

export function isPiiColumnName(name: string): boolean {
  return PII_NAME.test(name);
}

/** Whether a source column holds personal data (the dictionary's PII tags plug in here). */
export type PersonalColumn = (table: { schema?: string; name: string }, column: string) => boolean;

export const personalByName: PersonalColumn = (_table, column) => isPiiColumnName(column);

/**
 * How one statement's result is masked for one caller:
 * - `off`: the caller may write; nothing is masked.
 * - `lineage`: `personal[i]` says whether output position i derives from a personal column;
 *   `names[i]` is the name the engine must give it (null where engines differ), which
 *   catches a schema that changed since it was cached (`*` expanded to other columns).
 * - `names`: lineage could not be resolved, but nothing the statement reads holds personal
 *   data; output names that look personal are still masked as a floor.
 * - `refuse`: lineage could not be resolved and the statement names tables the schema does
 *   not know. Usually they do not exist, and the engine's own "no such table" is the answer
 *   people need; if the read succeeds after all, its rows are refused, never shown.
 */
export type MaskingPlan =
  | { mode: "off" }
  | { mode: "lineage"; personal: boolean[]; names: (string | null)[]; refusal: AppError | null }
  | { mode: "names" }
  | { mode: "refuse"; refusal: AppError };

export interface MaskingContext {
  dialect: SqlDialect;
  schema: SchemaSnapshot;
  /** MySQL: the connected database, so `db.table` naming it is recognised. */
  defaultSchema?: string;
  isPersonal?: PersonalColumn;
}

/** `holds`: why the output may carry personal data, completing "…, and <holds>". */
function refusal(holds: string, reason: string): AppError {
  return new AppError(
    "QUERY_REJECTED",
    `Quarry cannot tell which columns this query's output comes from, and ${holds}; ` +
      "select the columns you need by name (whole-row values, table functions and unknown tables cannot be traced), or ask for write access",
    { details: { reason } },
  );
}

const qualified = (t: { schema?: string; name: string }) => (t.schema ? `${t.schema}.${t.name}` : t.name);

/** The first table the statement reads that holds (or may hold) personal data, as a refusal. */
function personalTouch(statement: AnalyzedStatement, ctx: MaskingContext, reason: string): { refusal: AppError; known: boolean } | null {
  const isPersonal = ctx.isPersonal ?? personalByName;
  const touched = touchedTables(statement, ctx);
  const personal = touched.known.find((t) => t.columns.some((c) => isPersonal(t, c.name)));
  if (personal) return { refusal: refusal(`${qualified(personal)} holds personal data`, reason), known: true };
  if (touched.opaqueViews.length) {
    return { refusal: refusal(`the view ${touched.opaqueViews[0]} has a definition Quarry cannot read, so it may show personal data`, reason), known: true };
  }
  if (touched.unknown.length) {
    return { refusal: refusal(`${touched.unknown[0]} is not in the data source's known schema, so it may hold personal data`, reason), known: false };
  }
  return null;
}

const METADATA_OPERATIONS = new Set(["EXPLAIN", "DESCRIBE", "DESC", "SHOW", "PRAGMA"]);

function anyPersonal(schema: SchemaSnapshot, isPersonal: PersonalColumn): boolean {
  return schema.tables.some((t) => t.columns.some((c) => isPersonal(t, c.name)));
}

/**
 * Decides masking before the statement runs. Throws QUERY_REJECTED when the output's
 * lineage is unknown and the statement reads personal data: such a result is never run
 * for a reader, so it can never be returned, stored, exported or shared unmasked.
 */
export function maskingPlan(
  statement: AnalyzedStatement,
  access: Access,
  ctx: MaskingContext,
  options: { unknownTables?: "refuse" | "refuse-rows" } = {},
): MaskingPlan {
  if (access.canWrite) return { mode: "off" };
  // Plans, settings and catalogue listings describe tables; they return none of their rows.
  if (METADATA_OPERATIONS.has(statement.operation)) return { mode: "names" };
  const isPersonal = ctx.isPersonal ?? personalByName;
  const lineage = resolveLineage(statement.ast, ctx);
  if (!lineage.resolved) {
    // A function that reads tables it is not given could read any of them; with no AST,
    // so could any user-defined function the statement may call.
    const mayReadAnything = lineage.readsUnnamedData || (statement.ast === undefined && (ctx.schema.functions?.length ?? 0) > 0);
    if (mayReadAnything && anyPersonal(ctx.schema, isPersonal)) {
      throw refusal("a function in it reads tables the query does not name, which may hold personal data", lineage.reason);
    }
    const touch = personalTouch(statement, ctx, lineage.reason);
    if (!touch) return { mode: "names" };
    if (!touch.known && options.unknownTables === "refuse-rows") return { mode: "refuse", refusal: touch.refusal };
    throw touch.refusal;
  }
  const personal = lineage.outputs.map((o) => o.sources.some((s) => isPersonal({ schema: s.schema, name: s.table }, s.column)));
  const names = lineage.outputs.map((o) => (o.nameCertain ? o.name : null));
  // Used only if the driver's columns turn out not to match: then no position can be
  // trusted, and tables the parser may have missed could be involved.
  const mismatch = "the result's columns do not match the query's; the data source's schema may have changed since it was synced";
  const touch = personalTouch(statement, ctx, mismatch);
  const fallback = anyPersonal(ctx.schema, isPersonal) ? refusal("this data source holds personal data", mismatch) : null;
  return { mode: "lineage", personal, names, refusal: touch?.refusal ?? fallback };
}

/**
 * The result columns to mask. Lineage positions map to the driver's columns by position;
 * when the counts disagree the lineage is not trusted (refused if personal data is read).
 */
export function maskedColumnsFor(plan: MaskingPlan, columns: { name: string }[]): Set<string> | null {
  if (plan.mode === "off") return null;
  if (plan.mode === "refuse") throw plan.refusal;
  const masked = new Set(columns.map((c) => c.name).filter(isPiiColumnName));
  if (plan.mode === "lineage") {
    if (!lineageMatches(plan.names, columns)) {
      if (plan.refusal) throw plan.refusal;
    } else columns.forEach((c, i) => plan.personal[i] && masked.add(c.name));
  }
  return masked.size ? masked : null;
}

/** Same count, and every certain name is the driver's (which may carry a `_2` de-duplication suffix). */
function lineageMatches(names: (string | null)[], columns: { name: string }[]): boolean {
  if (names.length !== columns.length) return false;
  return columns.every((c, i) => {
    const expected = names[i];
    if (expected === null || expected === undefined) return true;
    const actual = c.name.toLowerCase();
    const want = expected.toLowerCase();
    return actual === want || (actual.startsWith(`${want}_`) && /^\d+$/.test(actual.slice(want.length + 1)));
  });
}

export function applyMask(rows: Record<string, unknown>[], columns: ResultColumn[] | { name: string }[], plan: MaskingPlan): Record<string, unknown>[] {
  return maskRows(rows, maskedColumnsFor(plan, columns));
}

/** The old name-only check, kept for callers that have no statement (e.g. fixed table samples). */
export function maskedColumns(columns: { name: string }[], access: Access): Set<string> | null {
  return maskedColumnsFor(access.canWrite ? { mode: "off" } : { mode: "names" }, columns);
}

const SINGLE_EMAIL = /^[^@\s,;]+@[^@\s,;"]+$/;

/**
 * The whole value is replaced. A single e-mail address keeps its first letter and domain
 * (people recognise "j***@example.com" as masked); JSON, rows, numbers and anything
 * holding several values become a plain mask, so no part of them survives.
 */
export function maskValue(value: unknown): unknown {
  if (value === null || value === undefined) return value;
  if (typeof value !== "string") return "****";
  if (SINGLE_EMAIL.test(value)) return `${value[0]}***${value.slice(value.indexOf("@"))}`;
  if (value.length <= 4 || /[{}[\]()"@,;]/.test(value)) return "****";
  return `****${value.slice(-2)}`;
}

export function maskRows(rows: Record<string, unknown>[], masked: Set<string> | null): Record<string, unknown>[] {
  if (!masked) return rows;
  return rows.map((row) => {
    const copy = { ...row };
    for (const name of masked) if (name in copy) copy[name] = maskValue(copy[name]);
    return copy;
  });
}

const QUOTED = /"((?:[^"\\]|\\.|"")*)"|'((?:[^'\\]|\\.|'')*)'/g;

/**
 * Engines quote the offending VALUE in some errors (`invalid input syntax for type
 * integer: "jane@example.com"`), which would hand a reader the data masking hides.
 * Quoted text that is not in the statement itself (names, literals the reader typed) is
 * masked in the message and string details. Writers' errors pass unchanged.
 */
export function maskFailure(error: unknown, plan: MaskingPlan, sql: string): unknown {
  if (plan.mode === "off" || !isAppError(error)) return error;
  const known = sql.toLowerCase();
  const scrub = (text: string) =>
    text.replace(QUOTED, (whole, dq: string | undefined, sq: string | undefined) => {
      const inner = dq ?? sq ?? "";
      return inner === "" || known.includes(inner.toLowerCase()) ? whole : whole[0] === '"' ? '"****"' : "'****'";
    });
  const details =
    error.details && typeof error.details === "object" && !Array.isArray(error.details)
      ? Object.fromEntries(Object.entries(error.details).map(([k, v]) => [k, typeof v === "string" ? scrub(v) : v]))
      : error.details;
  const message = scrub(error.message);
  if (message === error.message && JSON.stringify(details) === JSON.stringify(error.details)) return error;
  return new AppError(error.code, message, { details, fields: error.fields, retryAfter: error.retryAfter });
}
