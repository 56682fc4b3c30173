import "server-only";
import { classifyAst, tablesFromAst, type AstVerdict } from "./ast-classifier";
import { classifyTokens, raise } from "./keyword-classifier";
import { alternateLexOptions } from "./lexer";
import { parseStatement } from "./parser";
import { splitStatementTokens, type TokenizedStatement } from "./split";
import { limitAndStar, tablesFromTokens } from "./token-facts";
import { isMoreDangerous, maxKind, type AnalyzedStatement, type SqlAnalysis, type SqlDialect, type SqlErrorLocation } from "./types";
import { describeSyntaxError } from "./syntax-error";
import { readWarnings } from "./warnings";

export const PARSED_WITH_FALLBACK = "Parsed with fallback: the SQL parser did not understand this statement, so it was classified by keywords";

/**
 * A server with MySQL's NO_BACKSLASH_ESCAPES (or PostgreSQL's
 * standard_conforming_strings=off) ends strings elsewhere, which can turn
 * "string content" into statements, even across our statement boundaries. We
 * cannot know the setting, so the whole input is read the other way too and every
 * statement overlapping a more dangerous reading takes its kind.
 */
function checkAlternateReading(sql: string, dialect: SqlDialect, statements: AnalyzedStatement[]): void {
  const alternate = alternateLexOptions(dialect);
  if (!alternate || !sql.includes("\\")) return;
  const setting = dialect === "mysql" ? "NO_BACKSLASH_ESCAPES" : "standard_conforming_strings=off";
  for (const part of splitStatementTokens(sql, dialect, alternate)) {
    const other = classifyTokens(part.tokens, dialect);
    const reason = `With ${setting}, backslashes in strings change this statement: ${other.reasons[0] ?? other.operation}`;
    for (const statement of statements) {
      const overlaps = statement.start < part.end && part.start < statement.end;
      if (!overlaps || !isMoreDangerous(other.kind, statement.kind)) continue;
      statement.kind = other.kind;
      statement.reasons.push(reason);
    }
  }
}

type Parsed =
  | { ok: true; verdicts: AstVerdict[]; tables: string[]; ast: unknown; tableList: string[] }
  | { ok: false; message: string; offset?: number };

/** The PEG parser and the AST walk recurse: absurdly nested input must degrade to keywords, not crash. */
function parseAndClassify(text: string, dialect: SqlDialect): Parsed {
  try {
    const parsed = parseStatement(text, dialect);
    if (!parsed.ok) return parsed;
    return {
      ok: true,
      verdicts: parsed.asts.map((node) => classifyAst(node, dialect)),
      tables: tablesFromAst(parsed.asts, parsed.tableList),
      ast: parsed.asts.length === 1 ? parsed.asts[0] : undefined,
      tableList: parsed.tableList,
    };
  } catch (e) {
    return { ok: false, message: e instanceof Error ? e.message : "Could not parse the statement" };
  }
}

type StatementResult = { ok: true; statement: AnalyzedStatement; warnings: string[] } | { ok: false; error: SqlErrorLocation };

function analyzeStatement(sql: string, stmt: TokenizedStatement, dialect: SqlDialect): StatementResult {
  const verdict = classifyTokens(stmt.tokens, dialect);
  const parsed = parseAndClassify(stmt.text, dialect);
  let tables: string[] = [];
  let ast: unknown;
  let tableList: string[] | undefined;
  let syntaxError: SqlErrorLocation | undefined;
  if (parsed.ok) {
    for (const astVerdict of parsed.verdicts) {
      // The token verdict already explains itself; the AST only adds what it finds worse.
      if (!isMoreDangerous(astVerdict.kind, verdict.kind)) continue;
      for (const reason of astVerdict.reasons) raise(verdict, astVerdict.kind, reason);
    }
    ast = parsed.ast;
    tableList = parsed.tableList;
    tables = parsed.tables;
  } else {
    // Not SQL we know at all (`SELEC 1`): report the parser's error rather than guess.
    if (!verdict.recognized) {
      return { ok: false, error: describeSyntaxError(sql, stmt, parsed.offset, parsed.message, { unknownFirstWord: true }) };
    }
    verdict.reasons.push(PARSED_WITH_FALLBACK);
    // It still runs (the parser does not know every valid statement), but if the database
    // also calls it a syntax error, this is the short, positioned reason to show.
    syntaxError = describeSyntaxError(sql, stmt, parsed.offset, parsed.message);
  }
  if (tables.length === 0) tables = tablesFromTokens(stmt.tokens);
  const { hasLimit, selectsStar } = limitAndStar(stmt.tokens);
  const statement: AnalyzedStatement = {
    text: stmt.text,
    start: stmt.start,
    end: stmt.end,
    kind: verdict.kind,
    operation: verdict.operation,
    tables,
    reasons: verdict.reasons,
    hasLimit,
    selectsStar,
    ...(ast === undefined ? {} : { ast, tableList }),
    ...(syntaxError ? { syntaxError } : {}),
  };
  const warnings =
    verdict.kind === "read" ? readWarnings({ operation: verdict.operation, hasLimit, selectsStar, tokens: stmt.tokens, ast }) : [];
  return { ok: true, statement, warnings };
}

/**
 * Classifies every statement in `sql` for the execution pipe (services/execution). Conservative by
 * construction: the keyword classifier sees every statement, the parser can only
 * make a verdict more dangerous, and unparseable input is never a read unless it
 * leads with a read keyword and contains nothing the keyword scan flags.
 */
export function analyzeSql(sql: string, dialect: SqlDialect): SqlAnalysis {
  const statements = splitStatementTokens(sql, dialect);
  if (statements.length === 0) return { ok: false, error: { message: "There is no SQL statement to run" } };
  const results: Extract<StatementResult, { ok: true }>[] = [];
  for (const stmt of statements) {
    const result = analyzeStatement(sql, stmt, dialect);
    if (!result.ok) return result;
    results.push(result);
  }
  const analyzed = results.map((r) => r.statement);
  checkAlternateReading(sql, dialect, analyzed);
  // Read advice only for statements that are still reads after every check.
  const warnings = results.flatMap(({ statement, warnings: advice }, index) =>
    statement.kind !== "read" ? [] : advice.map((w) => (results.length > 1 ? `Statement ${index + 1}: ${w}` : w)),
  );
  const tables = [...new Set(analyzed.flatMap((s) => s.tables))];
  const kind = analyzed.reduce((k, s) => maxKind(k, s.kind), analyzed[0]!.kind);
  return { ok: true, statements: analyzed, kind, tables, warnings };
}
