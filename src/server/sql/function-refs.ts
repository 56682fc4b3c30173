import "server-only";
import { isNode, walk, type Node } from "./ast-classifier";
import { alternateLexOptions, defaultLexOptions, isOp, isWord, tokenize, type Token } from "./lexer";
import type { SqlDialect } from "./types";

/**
 * Every place a statement can make the database run a function, collected twice: from
 * node-sql-parser's AST where it understood the statement, and from the tokens always.
 * The token pass is deliberately over-inclusive (every `name(`, every `.name`, every
 * operator, every type after `::`), because the parser does not know all of PostgreSQL
 * (`(x).f` attribute calls, `OPERATOR(...)`, typed literals) and a miss here would be a
 * function run unchecked. The policy then decides each reference against the catalogue.
 */

/**
 * Why a `name(` appeared where it did, which decides what an unknown name means:
 * `call` must be a function; `keyword` is SQL syntax (COALESCE, FILTER, IN ...);
 * `alias` declares column names (`AS t(a, b)`, `) t(a)`); `type` is a type modifier
 * (`::varchar(10)`); `tablesample` names a sampling method.
 */
export type CallContext = "call" | "keyword" | "alias" | "type" | "tablesample";

export interface CallRef {
  /** Unquoted names folded to lower case, quoted names exact: how the catalogue stores them. */
  name: string;
  schema?: string;
  context: CallContext;
  from: "ast" | "tokens";
}

export interface FunctionRefs {
  calls: CallRef[];
  /** Names after a `.`: in PostgreSQL `x.f` may be `f(x)`. */
  attributes: string[];
  /** Runs of operator characters, as written. */
  operators: string[];
  /** Names used as types (after `::`, in CAST(... AS t), before a typed literal). */
  types: string[];
  /** Every identifier, for views (whose definitions run functions when read). */
  identifiers: string[];
  /** FROM-clause aliases that declare column names, per the AST. */
  aliases: string[];
  /** Things no catalogue can judge (names hidden behind Unicode escapes). */
  unverifiable: string[];
  parsed: boolean;
}

/** SQL syntax that is followed by `(` without being a function call (or maps to a built-in one). */
const KEYWORDS = new Set(
  (
    "SELECT FROM WHERE AND OR NOT IN EXISTS ANY ALL SOME AS ON USING JOIN LATERAL VALUES OVER FILTER WITHIN GROUP BY " +
    "ORDER PARTITION HAVING WINDOW CASE WHEN THEN ELSE END UNION INTERSECT EXCEPT WITH RECURSIVE MATERIALIZED DISTINCT " +
    "LIMIT OFFSET FETCH RETURNING IS LIKE ILIKE SIMILAR TO BETWEEN SYMMETRIC ESCAPE INTO TABLE ONLY ROWS RANGE GROUPS " +
    "PRECEDING FOLLOWING CURRENT ROW ROLLUP CUBE GROUPING SETS ARRAY CAST COALESCE NULLIF GREATEST LEAST EXTRACT POSITION " +
    "SUBSTRING TRIM OVERLAY NORMALIZE COLLATION FOR TREAT XMLELEMENT XMLFOREST XMLPARSE XMLPI XMLROOT XMLSERIALIZE " +
    "XMLEXISTS XMLATTRIBUTES XMLCONCAT XMLTABLE XMLNAMESPACES COLUMNS PASSING JSON JSON_OBJECT JSON_ARRAY JSON_OBJECTAGG " +
    "JSON_ARRAYAGG JSON_TABLE JSON_VALUE JSON_QUERY JSON_EXISTS JSON_SCALAR JSON_SERIALIZE CURRENT_TIME CURRENT_TIMESTAMP " +
    "LOCALTIME LOCALTIMESTAMP CURRENT_DATE CURRENT_USER CURRENT_ROLE CURRENT_CATALOG SESSION_USER SYSTEM_USER USER REPEATABLE EXPLAIN ORDINALITY VARIADIC DEFAULT MATCH AGAINST"
  ).split(" "),
);

// Type names that take a modifier in parentheses, so `numeric(10, 2)` is not a call.
const TYPE_WORDS = new Set("VARCHAR CHAR CHARACTER VARYING NUMERIC DECIMAL DEC FLOAT TIMESTAMP TIME INTERVAL BIT VARBIT PRECISION".split(" "));

const OPERATOR_CHARS = /^[+\-*/<>=~!@#%^&|`?]$/;

function identName(t: Token): string | null {
  if (t.type === "word") return t.text.toLowerCase();
  if (t.type === "quoted") return t.value;
  return null;
}

const isCastColons = (tokens: Token[], i: number): boolean =>
  isOp(tokens[i], ":") && isOp(tokens[i - 1], ":") && tokens[i - 1]!.end === tokens[i]!.start;

function closingParen(tokens: Token[], open: number): number {
  let depth = 0;
  for (let i = open; i < tokens.length; i++) {
    if (isOp(tokens[i], "(")) depth++;
    else if (isOp(tokens[i], ")") && --depth === 0) return i;
  }
  return tokens.length;
}

function callContext(tokens: Token[], i: number): CallContext {
  const t = tokens[i]!;
  const prev = tokens[i - 1];
  if (t.type === "word" && KEYWORDS.has(t.value)) return "keyword";
  if (isWord(prev, "TABLESAMPLE")) return "tablesample";
  if (isCastColons(tokens, i - 1) || (t.type === "word" && TYPE_WORDS.has(t.value))) return "type";
  if (isOp(prev, ")") || isWord(prev, "AS") || isWord(tokens[closingParen(tokens, i + 1) + 1], "AS")) return "alias";
  return "call";
}

function scanTokens(tokens: Token[], dialect: SqlDialect, refs: FunctionRefs): void {
  let run = "";
  let runEnd = -1;
  const flushRun = () => {
    if (run) refs.operators.push(run);
    run = "";
  };
  tokens.forEach((t, i) => {
    if (t.type === "op" && OPERATOR_CHARS.test(t.text)) {
      if (t.start !== runEnd) flushRun();
      run += t.text;
      runEnd = t.end;
      return;
    }
    flushRun();
    const name = identName(t);
    if (name === null) {
      // A typed literal (`mytype 'x'`) runs the type's input function.
      if (t.type === "string" && tokens[i - 1]?.type === "word") refs.types.push(identName(tokens[i - 1]!)!);
      return;
    }
    if (t.unicode) refs.unverifiable.push(t.text);
    refs.identifiers.push(name);
    const prev = tokens[i - 1];
    const qualified = isOp(prev, ".");
    if (isOp(tokens[i + 1], "(")) {
      const schemaToken = qualified ? tokens[i - 2] : undefined;
      const schema = schemaToken ? identName(schemaToken) : null;
      refs.calls.push({ name, ...(schema ? { schema } : {}), context: qualified ? "call" : callContext(tokens, i), from: "tokens" });
      if (!qualified && dialect === "postgres") refs.types.push(name); // `mydomain(1)` is a cast when no such function exists
      return;
    }
    if (qualified && dialect === "postgres") refs.attributes.push(name);
    // The last name of `::schema.type` is the type.
    if (dialect === "postgres" && !isOp(tokens[i + 1], ".")) {
      let j = i;
      while (isOp(tokens[j - 1], ".") && tokens[j - 2] && identName(tokens[j - 2]!) !== null) j -= 2;
      if (isCastColons(tokens, j - 1) || isWord(tokens[j - 1], "AS")) refs.types.push(name);
    }
  });
  flushRun();
}

function astName(x: unknown): { name: string; quoted: boolean } | null {
  if (typeof x === "string") return { name: x, quoted: false };
  if (isNode(x) && typeof x.value === "string") return { name: x.value, quoted: x.type === "double_quote_string" || x.type === "backticks_quote_string" };
  return null;
}

function callFromAst(node: Node): CallRef | null {
  const type = typeof node.type === "string" ? node.type : "";
  if (type !== "function" && type !== "aggr_func" && type !== "window_func") return null;
  let parts: { name: string; quoted: boolean }[] = [];
  let schema: { name: string; quoted: boolean } | null = null;
  if (isNode(node.name) && Array.isArray(node.name.name)) {
    parts = node.name.name.map(astName).filter((p): p is { name: string; quoted: boolean } => p !== null);
    schema = astName(node.name.schema);
  } else {
    const single = astName(node.name);
    if (single) parts = [single];
  }
  const last = parts.at(-1);
  if (!last) return null;
  const fold = (p: { name: string; quoted: boolean }) => (p.quoted ? p.name : p.name.toLowerCase());
  const name = fold(last);
  const context: CallContext = !last.quoted && KEYWORDS.has(last.name.toUpperCase()) && !schema ? "keyword" : "call";
  return { name, ...(schema ? { schema: fold(schema) } : {}), context, from: "ast" };
}

function scanAst(ast: unknown, refs: FunctionRefs): void {
  walk(ast, (node) => {
    const call = callFromAst(node);
    if (call) refs.calls.push(call);
    if (node.type === "cast" && Array.isArray(node.target)) {
      for (const target of node.target) {
        if (isNode(target) && typeof target.dataType === "string") refs.types.push(target.dataType.toLowerCase());
      }
    }
    // FROM items: `as` is "g(n)" when the alias declares column names.
    if (typeof node.as === "string" && node.as.includes("(")) refs.aliases.push(node.as.slice(0, node.as.indexOf("(")).trim().toLowerCase());
  });
}

/** Collects the function references of one statement (`text` is its own SQL, `ast` the parser's tree if any). */
export function collectFunctionRefs(statement: { text: string; ast?: unknown }, dialect: SqlDialect): FunctionRefs {
  const refs: FunctionRefs = {
    calls: [],
    attributes: [],
    operators: [],
    types: [],
    identifiers: [],
    aliases: [],
    unverifiable: [],
    parsed: statement.ast !== undefined,
  };
  scanTokens(tokenize(statement.text, dialect, defaultLexOptions(dialect)), dialect, refs);
  // Where a server setting makes backslashes escape quotes, strings end elsewhere and
  // "string content" is code: scan that reading too.
  const alternate = alternateLexOptions(dialect);
  if (alternate && statement.text.includes("\\")) scanTokens(tokenize(statement.text, dialect, alternate), dialect, refs);
  if (statement.ast !== undefined) scanAst(statement.ast, refs);
  for (const key of ["attributes", "operators", "types", "identifiers", "aliases", "unverifiable"] as const) refs[key] = [...new Set(refs[key])];
  return refs;
}
