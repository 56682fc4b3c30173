import "server-only";
import { isOp, isWord, type Token } from "./lexer";
import { sideEffectFunction } from "./side-effect-functions";
import { classifyPragma } from "./sqlite-pragma";
import { maxKind, type SqlDialect, type StatementKind } from "./types";

/**
 * Classification from tokens alone. It runs on every statement, parsed or not:
 * node-sql-parser does not know every dialect feature (PostgreSQL FOR UPDATE,
 * data-modifying CTEs, EXPLAIN ...) and does not see MySQL's executable comments,
 * so the parser may refine but never downgrade what the tokens say.
 */
export interface Verdict {
  kind: StatementKind;
  operation: string;
  reasons: string[];
  /** False when the leading keyword means nothing to us; with a parse error that makes the input invalid. */
  recognized: boolean;
}

export function raise(verdict: Verdict, kind: StatementKind, reason: string): void {
  verdict.kind = maxKind(verdict.kind, kind);
  if (!verdict.reasons.includes(reason)) verdict.reasons.push(reason);
}

type Rule = [StatementKind, string];

const LEADING: Record<string, Rule> = {
  INSERT: ["write", "INSERT modifies data"],
  UPDATE: ["write", "UPDATE modifies data"],
  DELETE: ["write", "DELETE modifies data"],
  MERGE: ["write", "MERGE modifies data"],
  REPLACE: ["write", "REPLACE modifies data"],
  UPSERT: ["write", "UPSERT modifies data"],
  REFRESH: ["write", "REFRESH MATERIALIZED VIEW rewrites the view's data"],
  CREATE: ["ddl", "CREATE changes the schema"],
  ALTER: ["ddl", "ALTER changes the schema"],
  DROP: ["ddl", "DROP removes schema objects"],
  TRUNCATE: ["ddl", "TRUNCATE removes all rows"],
  RENAME: ["ddl", "RENAME changes the schema"],
  COMMENT: ["ddl", "COMMENT ON changes the schema"],
  GRANT: ["ddl", "GRANT changes privileges"],
  REVOKE: ["ddl", "REVOKE changes privileges"],
  SECURITY: ["ddl", "SECURITY LABEL changes the schema"],
  IMPORT: ["ddl", "IMPORT FOREIGN SCHEMA changes the schema"],
  REASSIGN: ["ddl", "REASSIGN OWNED changes ownership"],
  BEGIN: ["transaction", "BEGIN is transaction control"],
  START: ["transaction", "START TRANSACTION is transaction control"],
  COMMIT: ["transaction", "COMMIT is transaction control"],
  ROLLBACK: ["transaction", "ROLLBACK is transaction control"],
  SAVEPOINT: ["transaction", "SAVEPOINT is transaction control"],
  RELEASE: ["transaction", "RELEASE is transaction control"],
  END: ["transaction", "END is transaction control"],
  ABORT: ["transaction", "ABORT is transaction control"],
  XA: ["transaction", "XA is transaction control"],
  CALL: ["other", "CALL runs a stored procedure, which may modify data"],
  EXEC: ["other", "EXEC runs a procedure, which may modify data"],
  EXECUTE: ["other", "EXECUTE runs a prepared statement, which may modify data"],
  DO: ["other", "DO runs code, which may modify data"],
  PREPARE: ["other", "PREPARE defines a statement for later execution"],
  DEALLOCATE: ["other", "DEALLOCATE changes session state"],
  LOCK: ["other", "LOCK takes locks"],
  UNLOCK: ["other", "UNLOCK releases locks"],
  VACUUM: ["other", "VACUUM is a maintenance command"],
  ANALYZE: ["other", "ANALYZE is a maintenance command (and runs statements in MariaDB)"],
  REINDEX: ["other", "REINDEX is a maintenance command"],
  CLUSTER: ["other", "CLUSTER rewrites a table"],
  CHECKPOINT: ["other", "CHECKPOINT is a maintenance command"],
  OPTIMIZE: ["other", "OPTIMIZE rewrites a table"],
  REPAIR: ["other", "REPAIR modifies a table"],
  CHECK: ["other", "CHECK is a maintenance command"],
  CHECKSUM: ["other", "CHECKSUM is a maintenance command"],
  SET: ["other", "SET changes session settings"],
  RESET: ["other", "RESET changes session settings"],
  DISCARD: ["other", "DISCARD changes session state"],
  USE: ["other", "USE changes the current database"],
  LISTEN: ["other", "LISTEN changes session state"],
  UNLISTEN: ["other", "UNLISTEN changes session state"],
  NOTIFY: ["other", "NOTIFY sends a notification"],
  HANDLER: ["other", "HANDLER opens direct table access"],
  ATTACH: ["other", "ATTACH opens another database file"],
  DETACH: ["other", "DETACH changes attached databases"],
  DECLARE: ["other", "DECLARE creates a cursor or variable"],
  FETCH: ["other", "FETCH moves a cursor"],
  MOVE: ["other", "MOVE moves a cursor"],
  CLOSE: ["other", "CLOSE closes a cursor"],
  OPEN: ["other", "OPEN opens a cursor"],
  FLUSH: ["other", "FLUSH is an administrative command"],
  KILL: ["other", "KILL ends another connection"],
  INSTALL: ["other", "INSTALL loads server code"],
  UNINSTALL: ["other", "UNINSTALL removes server code"],
  PURGE: ["other", "PURGE deletes server logs"],
  SHUTDOWN: ["other", "SHUTDOWN stops the server"],
  RESTART: ["other", "RESTART restarts the server"],
  CACHE: ["other", "CACHE INDEX is an administrative command"],
  BINLOG: ["other", "BINLOG replays binary log events"],
  CHANGE: ["other", "CHANGE MASTER/REPLICATION is an administrative command"],
  STOP: ["other", "STOP is an administrative command"],
  SIGNAL: ["other", "SIGNAL raises a condition"],
  RESIGNAL: ["other", "RESIGNAL raises a condition"],
  GET: ["other", "GET DIAGNOSTICS is procedural"],
};

const PLAIN_READS: Record<string, string> = { SELECT: "SELECT", VALUES: "VALUES", TABLE: "TABLE", SHOW: "SHOW", HELP: "HELP" };
const STATEMENT_STARTS = ["SELECT", "WITH", "INSERT", "UPDATE", "DELETE", "MERGE", "REPLACE", "VALUES", "TABLE", "CREATE", "DECLARE", "EXECUTE"];
export const CREATE_OBJECTS: ReadonlySet<string> = new Set(
  "TABLE VIEW INDEX SEQUENCE SCHEMA DATABASE FUNCTION PROCEDURE TRIGGER EVENT TYPE EXTENSION ROLE USER DOMAIN RULE POLICY SERVER PUBLICATION SUBSCRIPTION COLLATION AGGREGATE OPERATOR CAST TABLESPACE MATERIALIZED FOREIGN STATISTICS LANGUAGE".split(" "),
);

function verdict(kind: StatementKind, operation: string, reasons: string[] = [], recognized = true): Verdict {
  return { kind, operation, reasons, recognized };
}

/** Index of the first token at the parenthesis depth of `from` satisfying `test`. */
function findAtDepth(tokens: Token[], from: number, test: (t: Token, i: number) => boolean): number {
  let depth = 0;
  for (let i = from; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (depth === 0 && test(t, i)) return i;
    if (isOp(t, "(")) depth++;
    else if (isOp(t, ")")) depth--;
    if (depth < 0) return -1;
  }
  return -1;
}

function createOperation(tokens: Token[], at: number): string {
  for (let i = at + 1; i < Math.min(tokens.length, at + 12); i++) {
    const t = tokens[i]!;
    if (t.type === "word" && CREATE_OBJECTS.has(t.value)) {
      const compound = (t.value === "MATERIALIZED" || t.value === "FOREIGN") && tokens[i + 1]?.type === "word";
      return compound ? `CREATE_${t.value}_${tokens[i + 1]!.value}` : `CREATE_${t.value}`;
    }
  }
  return "CREATE";
}

function classifyExplain(tokens: Token[], at: number, dialect: SqlDialect): Verdict {
  let i = at + 1;
  let analyze = false;
  // PostgreSQL option list: EXPLAIN (ANALYZE, BUFFERS) ...
  if (isOp(tokens[i], "(") && !isWord(tokens[i + 1], "SELECT", "WITH", "VALUES", "TABLE")) {
    const close = findAtDepth(tokens, i + 1, (t) => isOp(t, ")"));
    analyze = tokens.slice(i, close < 0 ? undefined : close).some((t) => isWord(t, "ANALYZE", "ANALYSE"));
    i = close < 0 ? tokens.length : close + 1;
  }
  const start = findAtDepth(tokens, i, (t, k) => {
    if (isWord(t, "ANALYZE", "ANALYSE")) analyze = true;
    return isWord(t, ...STATEMENT_STARTS) || (isOp(t, "(") && isWord(tokens[k + 1], "SELECT", "WITH"));
  });
  // No statement after it: MySQL's EXPLAIN/DESCRIBE <table>, EXPLAIN FOR CONNECTION.
  if (start < 0) return verdict("read", isWord(tokens[at], "EXPLAIN") ? "EXPLAIN" : "DESCRIBE");
  const inner = classifyLeading(tokens, start, dialect);
  const result = verdict(inner.kind, "EXPLAIN", [], inner.recognized);
  if (inner.kind !== "read") {
    result.reasons.push(
      analyze
        ? `EXPLAIN ANALYZE executes the ${inner.operation}`
        : `EXPLAIN of ${inner.operation} is treated like the ${inner.operation} itself`,
      ...inner.reasons,
    );
  }
  return result;
}

/** Classifies by the statement's leading keyword(s); `at` skips nothing but leading parentheses. */
export function classifyLeading(tokens: Token[], at: number, dialect: SqlDialect): Verdict {
  let i = at;
  while (isOp(tokens[i], "(")) i++;
  const first = tokens[i];
  if (!first || first.type !== "word") return verdict("other", "UNKNOWN", ["Unrecognized statement"], false);
  const k = first.value;
  const next = tokens[i + 1];

  if (PLAIN_READS[k]) return verdict("read", PLAIN_READS[k]);
  if (k === "WITH") {
    // The main statement follows the CTEs at depth 0, possibly parenthesized: WITH x AS (...) (SELECT ...).
    const main = findAtDepth(
      tokens,
      i + 1,
      (t, j) =>
        isWord(t, "SELECT", "INSERT", "UPDATE", "DELETE", "MERGE", "VALUES", "TABLE", "REPLACE") ||
        (isOp(t, "(") && isOp(tokens[j - 1], ")") && isWord(tokens[j + 1], "SELECT", "VALUES", "TABLE")),
    );
    return main < 0 ? verdict("other", "WITH", ["WITH without a main statement"], false) : classifyLeading(tokens, main, dialect);
  }
  if (k === "EXPLAIN" || k === "DESCRIBE" || k === "DESC") return classifyExplain(tokens, i, dialect);
  if (k === "PRAGMA") {
    const pragma = classifyPragma(tokens, i);
    return pragma.read
      ? verdict("read", "PRAGMA")
      : verdict("other", "PRAGMA", [`PRAGMA ${pragma.name} can change the database or connection`]);
  }
  if (k === "COPY") {
    const from = findAtDepth(tokens, i + 1, (t) => isWord(t, "FROM"));
    return from >= 0
      ? verdict("write", "COPY", ["COPY ... FROM loads data into a table"])
      : verdict("other", "COPY", ["COPY ... TO writes to a file, a program or the client"]);
  }
  if (k === "LOAD") {
    return isWord(next, "DATA", "XML")
      ? verdict("write", "LOAD_DATA", [`LOAD ${next!.value} loads data into a table`])
      : verdict("other", "LOAD", ["LOAD loads a shared library"]);
  }
  if (k === "SET" || k === "PREPARE") {
    // SET autocommit=0 opens transactions implicitly; SET [SESSION] TRANSACTION ...; PREPARE TRANSACTION.
    const head = tokens.slice(i + 1, i + 5);
    const autocommit = k === "SET" && tokens.some((t) => t.text.replace(/^@+/, "").toLowerCase() === "autocommit");
    if (autocommit || head.some((t) => isWord(t, "TRANSACTION", "CHARACTERISTICS"))) {
      return verdict("transaction", `${k}_TRANSACTION`, [`${k} ${autocommit ? "autocommit" : "TRANSACTION"} is transaction control`]);
    }
  }
  const rule = LEADING[k];
  if (!rule) return verdict("other", k, [`${k} is not a recognized read statement`], false);
  let operation = k;
  if (k === "CREATE") operation = createOperation(tokens, i);
  else if (k === "REFRESH") operation = "REFRESH_MATERIALIZED_VIEW";
  else if (k === "START" && isWord(next, "TRANSACTION")) operation = "START_TRANSACTION";
  return verdict(rule[0], operation, [rule[1]]);
}

function scanSideEffectFunctions(tokens: Token[], dialect: SqlDialect, v: Verdict): void {
  tokens.forEach((t, idx) => {
    if (!isOp(tokens[idx + 1], "(")) return;
    if (t.type === "quoted" && t.unicode) raise(v, "other", "Calls a function whose name is written with Unicode escapes");
    if (t.type !== "word" && t.type !== "quoted") return;
    const fn = sideEffectFunction(t.type === "word" ? t.text : t.value, dialect);
    if (fn) raise(v, "other", `Calls ${fn}(), which has side effects`);
  });
}

export const LOCKING = "Locks rows (FOR UPDATE / FOR SHARE / LOCK IN SHARE MODE)";

/** SELECT ... INTO: OUTFILE/DUMPFILE write server files, PostgreSQL creates a table, MySQL sets variables. */
export function selectInto(target: string, dialect: SqlDialect): [StatementKind, string] {
  const upper = target.toUpperCase();
  if (upper === "OUTFILE" || upper === "DUMPFILE") return ["write", `SELECT ... INTO ${upper} writes a file on the server`];
  if (upper === "VAR") return ["other", "SELECT ... INTO assigns variables"];
  if (dialect === "postgres") return ["ddl", "SELECT ... INTO creates a table"];
  return ["other", "SELECT ... INTO is not a plain read"];
}

/** Things that turn an otherwise read-looking statement into something else. */
function scanEmbedded(tokens: Token[], dialect: SqlDialect, v: Verdict): void {
  tokens.forEach((t, idx) => {
    if (dialect === "mysql" && isOp(t, ":=")) raise(v, "other", "Assigns a user variable");
    if (t.type !== "word") return;
    const prev = tokens[idx - 1];
    const next = tokens[idx + 1];
    if (isOp(prev, ".") || isOp(next, ".")) return; // a qualified name such as t.update
    switch (t.value) {
      case "UPDATE":
        if (isWord(prev, "FOR") || (isWord(prev, "KEY") && isWord(tokens[idx - 2], "NO"))) raise(v, "other", LOCKING);
        else if (!isWord(prev, "ON")) raise(v, "write", "Contains a data-modifying UPDATE");
        break;
      case "SHARE":
        if (isWord(prev, "FOR") || (isWord(prev, "KEY") && isWord(tokens[idx - 2], "FOR"))) raise(v, "other", LOCKING);
        break;
      case "LOCK":
        if (isWord(next, "IN")) raise(v, "other", LOCKING);
        break;
      case "DELETE":
      case "MERGE":
        if (!isWord(prev, "ON")) raise(v, "write", `Contains a data-modifying ${t.value}`);
        break;
      case "INSERT":
      case "REPLACE":
        // MySQL's INSERT(str, ...) and everyone's REPLACE(str, ...) are string functions.
        if (!isOp(next, "(") && !isWord(prev, "OR")) raise(v, "write", `Contains a data-modifying ${t.value}`);
        break;
      case "CREATE":
      case "DROP":
      case "ALTER":
      case "TRUNCATE":
      case "GRANT":
      case "REVOKE":
        // SHOW CREATE TABLE reads; MySQL's TRUNCATE(x, d) rounds numbers.
        if (v.operation !== "SHOW" && !isOp(next, "(")) raise(v, "ddl", `Contains ${t.value}`);
        break;
      case "INTO": {
        // INSERT [IGNORE|OR REPLACE] INTO inside a CTE is the DML scan's business.
        if (tokens.slice(Math.max(0, idx - 3), idx).some((p) => isWord(p, "INSERT", "REPLACE", "MERGE"))) break;
        const target = isWord(next, "OUTFILE", "DUMPFILE") ? next!.value : next?.type === "param" || isOp(next, "@") || isOp(next, ":") ? "var" : "table";
        raise(v, ...selectInto(target, dialect));
        break;
      }
      case "NEXT":
        if (isWord(next, "VALUE") && isWord(tokens[idx + 2], "FOR")) raise(v, "other", "NEXT VALUE FOR advances a sequence");
        break;
    }
  });
}

export function classifyTokens(tokens: Token[], dialect: SqlDialect): Verdict {
  const v = classifyLeading(tokens, 0, dialect);
  if (v.kind === "read") scanEmbedded(tokens, dialect, v);
  scanSideEffectFunctions(tokens, dialect, v);
  return v;
}
