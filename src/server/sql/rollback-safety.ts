import "server-only";
import { isNode, unwrap, type Node } from "./ast-classifier";
import { isOp, tokenize, type Token } from "./lexer";
import type { AnalyzedStatement, SqlDialect } from "./types";

/**
 * Whether a write, judged from its text alone, does nothing that a rollback cannot
 * undo: one plain INSERT/UPDATE/DELETE/REPLACE (with ON CONFLICT / ON DUPLICATE KEY
 * forms), no nested data change, and no function, operator or cast outside a small
 * allow-list of built-ins known to have no effect beyond their result. The storage
 * of the tables (engine, triggers, foreign tables) is the catalogue's part; see
 * services/execution/previewable.ts.
 */
export type TextVerdict =
  | {
      ok: true;
      operation: "INSERT" | "UPDATE" | "DELETE" | "REPLACE";
      /** Every table the statement names, as `schema.table` or `table`. */
      tables: string[];
      /** The tables it writes (the parser's write-tagged tables; all tables when it tagged none). */
      targets: string[];
      /** `q.name` references: in PostgreSQL `q.f` calls f(q) when q has no column f. */
      qualifiedColumns: { qualifier: string; column: string }[];
      /** Writes column defaults (INSERT, or UPDATE ... = DEFAULT), which may call functions. */
      usesDefaults: boolean;
    }
  | {
      ok: false;
      reasons: string[];
      /** The text holds nothing that EXPLAIN (planning only) could run. */
      explainable: boolean;
    };

/** Built-in functions whose only effect is their result. Lower-case, unqualified. */
const SAFE_FUNCTIONS = new Set(
  (
    "now current_timestamp current_date current_time localtime localtimestamp sysdate curdate curtime utc_timestamp utc_date utc_time " +
    "unix_timestamp from_unixtime date time datetime julianday strftime unixepoch date_trunc date_part extract date_add date_sub " +
    "adddate subdate datediff timestampdiff timestampadd date_format str_to_date to_char to_date to_timestamp to_number make_date " +
    "make_timestamp age year month day dayofmonth dayofweek dayofyear week hour minute second quarter last_day " +
    "lower upper lcase ucase trim ltrim rtrim btrim length char_length character_length octet_length bit_length substring substr " +
    "mid replace concat concat_ws left right lpad rpad position strpos locate instr reverse repeat initcap split_part translate " +
    "format space ascii chr char ord hex unhex md5 sha1 sha2 sha256 encode decode quote_ident quote_literal quote_nullable " +
    "regexp_replace regexp_substr regexp_like regexp_match regexp_matches starts_with " +
    "coalesce nullif ifnull isnull nvl if iif greatest least case " +
    "abs ceil ceiling floor round trunc truncate mod power pow sqrt sign exp ln log log2 log10 pi div " +
    "json_build_object json_build_array jsonb_build_object jsonb_build_array to_json to_jsonb json_object json_array " +
    "json_extract json_set json_insert json_replace json_remove jsonb_set json_unquote json_quote " +
    "count sum min max avg bool_and bool_or every string_agg group_concat array_agg " +
    "gen_random_uuid uuid uuid_generate_v4 random rand current_user session_user user values exists"
  ).split(" "),
);

/** Target types of a cast that call no user code (type input and output functions are built in). */
const SAFE_CAST_TYPES = new Set(
  (
    "int integer int2 int4 int8 smallint bigint tinyint mediumint numeric decimal dec real float float4 float8 double " +
    "double precision text varchar char character nchar nvarchar string bool boolean date time timestamp timestamptz timetz " +
    "datetime interval json jsonb uuid bytea blob binary varbinary signed unsigned year money bit"
  ).split(" "),
);

/** Operators of built-in types; anything else may be a user-defined operator backed by a function. */
const SAFE_OPERATORS = new Set(
  (
    "= <> != < > <= >= <=> + - * / % || && AND OR NOT XOR IN NOT_IN IS IS_NOT LIKE NOT_LIKE ILIKE NOT_ILIKE " +
    "BETWEEN NOT_BETWEEN EXISTS NOT_EXISTS DIV MOD -> ->> #> #>> @> <@ ? ?| ?& ~ ~* !~ !~* REGEXP NOT_REGEXP RLIKE"
  )
    .split(" ")
    .map((o) => o.replace("_", " ")),
);

/** AST node types that evaluate nothing beyond literals, columns and the constructs checked below. */
const PLAIN_NODES = new Set(
  (
    "column_ref default origin number string single_quote_string double_quote_string natural_string hex_string full_hex_string " +
    "bit_string bool boolean null star expr_list values expr case when else returning conflict column param interval " +
    "timestamp date time datetime backticks_quote_string var extract array"
  ).split(" "),
);

const WRITES = { insert: "INSERT", update: "UPDATE", delete: "DELETE", replace: "REPLACE" } as const;
const SUB_QUERIES = new Set(["select"]);

const typeOf = (x: unknown): string => (isNode(x) && typeof x.type === "string" ? x.type.toLowerCase() : "");

function nameParts(name: unknown): string[] {
  if (typeof name === "string") return [name];
  if (!isNode(name)) return [];
  const parts: string[] = [];
  const schema = name.schema;
  if (isNode(schema) && typeof schema.value === "string") parts.push(schema.value);
  if (Array.isArray(name.name)) for (const p of name.name) if (isNode(p) && typeof p.value === "string") parts.push(p.value);
  return parts;
}

const columnName = (column: unknown): string | null => {
  if (typeof column === "string") return column;
  const expr = isNode(column) ? column.expr : undefined;
  return isNode(expr) && typeof expr.value === "string" ? expr.value : null;
};

interface Walk {
  reasons: string[];
  /** A function, operator or cast we cannot vouch for: even planning might run it. */
  runsUnknownCode: boolean;
  qualifiedColumns: { qualifier: string; column: string }[];
  usesDefaults: boolean;
}

function visit(x: unknown, w: Walk, path: string): void {
  const node = unwrap(x);
  if (Array.isArray(node)) {
    for (const item of node) visit(item, w, path);
    return;
  }
  if (!isNode(node)) return;
  const type = typeOf(node);
  const reason = (text: string, unknownCode = false) => {
    if (!w.reasons.includes(text)) w.reasons.push(text);
    if (unknownCode) w.runsUnknownCode = true;
  };
  let skip: string[] = [];
  if (type in WRITES && path !== "" && path !== "conflict.action.expr") {
    reason(`it holds a second data change (${type.toUpperCase()}) besides the one target`);
  } else if (type === "function") {
    const parts = nameParts(node.name);
    const fn = parts[parts.length - 1]?.toLowerCase() ?? "";
    const schema = parts.length > 1 ? parts[0]!.toLowerCase() : null;
    const builtinSchema = schema === null || schema === "pg_catalog";
    if (!SAFE_FUNCTIONS.has(fn) || !builtinSchema) reason(`it calls ${parts.join(".") || "a function"}(), which is not known to be free of side effects`, true);
    skip = ["name"];
  } else if (type === "aggr_func") {
    const fn = typeof node.name === "string" ? node.name.toLowerCase() : "";
    if (!SAFE_FUNCTIONS.has(fn)) reason(`it calls the aggregate ${fn || "?"}(), which is not known to be free of side effects`, true);
    skip = ["name"];
  } else if (type === "binary_expr" || type === "unary_expr") {
    const op = typeof node.operator === "string" ? node.operator.toUpperCase() : "";
    if (!SAFE_OPERATORS.has(op)) reason(`it uses the operator ${op || "?"}, which may call a user-defined function`, true);
  } else if (type === "cast") {
    const targets = Array.isArray(node.target) ? node.target : [node.target];
    for (const target of targets) {
      const dataType = isNode(target) && typeof target.dataType === "string" ? target.dataType.toLowerCase() : "";
      if (!SAFE_CAST_TYPES.has(dataType)) reason(`it casts to ${dataType || "an unknown type"}, whose conversion may run user code`, true);
    }
    skip = ["target"];
  } else if (type === "column_ref") {
    const column = columnName(node.column);
    if (typeof node.table === "string" && node.table && column) w.qualifiedColumns.push({ qualifier: node.table, column });
  } else if (type === "origin" && typeof node.value === "string" && node.value.toUpperCase() === "DEFAULT") {
    w.usesDefaults = true;
  } else if (type && !PLAIN_NODES.has(type) && !(type in WRITES) && !SUB_QUERIES.has(type)) {
    reason(`it uses ${type.replace(/_/g, " ")}, which Quarry cannot vouch for`, true);
  }
  for (const [key, child] of Object.entries(node)) {
    if (skip.includes(key) || typeof child !== "object" || child === null) continue;
    visit(child, w, path === "" ? key : `${path}.${key}`);
  }
}

/** Words that may stand before `(` without being a function call. */
const NOT_CALLS = new Set(
  (
    "IN VALUES VALUE EXISTS ANY ALL SOME ON USING AS AND OR NOT WHERE SET FROM JOIN SELECT OVER FILTER CONFLICT KEY WHEN THEN " +
    "ELSE RETURNING BY HAVING LIMIT INTO WITH UNION EXCEPT INTERSECT LATERAL ROW ARRAY IS DISTINCT CAST CONVERT DEFAULT " +
    "PARTITION"
  ).split(" "),
);

/** The backstop: every `name(` in the tokens must be an allow-listed function, a type, a table or a keyword. */
function tokenReasons(tokens: Token[], tables: string[]): string[] {
  const tableNames = new Set(tables.map((t) => t.split(".").pop()!.toLowerCase()));
  const reasons: string[] = [];
  tokens.forEach((t, i) => {
    if (t.type === "op" && t.text === ":=") reasons.push("it assigns a variable");
    if (!isOp(tokens[i + 1], "(") || (t.type !== "word" && t.type !== "quoted")) return;
    const name = (t.type === "word" ? t.text : t.value).toLowerCase();
    if (t.type === "word" && NOT_CALLS.has(t.value)) return;
    if (SAFE_FUNCTIONS.has(name) && t.type === "word") return;
    if (SAFE_CAST_TYPES.has(name) || tableNames.has(name)) return;
    reasons.push(`it calls ${name}(), which is not known to be free of side effects`);
  });
  return [...new Set(reasons)];
}

function writeTargets(statement: AnalyzedStatement): string[] {
  const targets: string[] = [];
  for (const entry of statement.tableList ?? []) {
    const [op, db, table] = entry.split("::");
    if (!table || !op || !(op in WRITES)) continue;
    const name = db && db !== "null" ? `${db}.${table}` : table;
    if (statement.tables.includes(name) && !targets.includes(name)) targets.push(name);
  }
  return targets.length > 0 ? targets : statement.tables;
}

export function rollbackSafety(statement: AnalyzedStatement, dialect: SqlDialect): TextVerdict {
  const root = unwrap(statement.ast);
  const type = typeOf(root);
  if (!isNode(root) || !(type in WRITES)) {
    const what = statement.ast === undefined ? "the SQL parser did not fully understand it" : `${statement.operation.replace(/_/g, " ")} is not a plain INSERT, UPDATE or DELETE`;
    return { ok: false, reasons: [what], explainable: false };
  }
  const w: Walk = { reasons: [], runsUnknownCode: false, qualifiedColumns: [], usesDefaults: type === "insert" || type === "replace" };
  visit(root, w, "");
  let tokens: Token[] = [];
  try {
    tokens = tokenize(statement.text, dialect);
  } catch {
    w.reasons.push("its text could not be read");
    w.runsUnknownCode = true;
  }
  if (tokens.some((t) => t.type === "word" && t.value === "DEFAULT")) w.usesDefaults = true;
  const fromTokens = tokenReasons(tokens, statement.tables);
  for (const r of fromTokens) if (!w.reasons.includes(r)) w.reasons.push(r);
  if (fromTokens.length > 0) w.runsUnknownCode = true;
  if (statement.tables.length === 0) w.reasons.push("the table it writes is not known");
  if (w.reasons.length > 0) return { ok: false, reasons: w.reasons, explainable: !w.runsUnknownCode };
  return {
    ok: true,
    operation: WRITES[type as keyof typeof WRITES],
    tables: statement.tables,
    targets: writeTargets(statement),
    qualifiedColumns: w.qualifiedColumns,
    usesDefaults: w.usesDefaults,
  };
}
