import "server-only";
import * as mariadbBuild from "node-sql-parser/build/mariadb";
import * as mysqlBuild from "node-sql-parser/build/mysql";
import * as postgresBuild from "node-sql-parser/build/postgresql";
import * as sqliteBuild from "node-sql-parser/build/sqlite";
import type { Parser as ParserClass } from "node-sql-parser";
import type { SqlDialect } from "./types";

/**
 * node-sql-parser ships one bundle per database; loading only the four we use
 * keeps a few megabytes of other grammars out of the server. The bundles are
 * webpack UMD, which Node's ESM loader exposes only as `default`.
 */
type Build = { Parser: typeof ParserClass };
const load = (ns: unknown): ParserClass => {
  const build = ((ns as { default?: Build }).default ?? ns) as Build;
  return new build.Parser();
};

/** The `database` option node-sql-parser 5.4 accepts (it lower-cases it); MySQL dialect tries MariaDB second. */
const grammars: Record<SqlDialect, { database: string; parser: () => ParserClass }[]> = {
  postgres: [{ database: "PostgresQL", parser: lazy(postgresBuild) }],
  mysql: [
    { database: "MySQL", parser: lazy(mysqlBuild) },
    { database: "MariaDB", parser: lazy(mariadbBuild) },
  ],
  sqlite: [{ database: "Sqlite", parser: lazy(sqliteBuild) }],
};

function lazy(ns: unknown): () => ParserClass {
  let parser: ParserClass | undefined;
  return () => (parser ??= load(ns));
}

export function parserDatabase(dialect: SqlDialect): string {
  return grammars[dialect][0]!.database;
}

export type ParseResult =
  | { ok: true; asts: unknown[]; tableList: string[] }
  | { ok: false; message: string; offset?: number };

interface PegError {
  message?: string;
  location?: { start?: { offset?: number } };
}

/** Parses one statement's text; positions in a failure are relative to `text`. */
export function parseStatement(text: string, dialect: SqlDialect): ParseResult {
  let firstFailure: ParseResult | undefined;
  for (const { database, parser } of grammars[dialect]) {
    try {
      const result = parser().parse(text, { database, trimQuery: false });
      const asts: unknown[] = Array.isArray(result.ast) ? result.ast : [result.ast];
      return { ok: true, asts, tableList: result.tableList ?? [] };
    } catch (e) {
      const err = e as PegError;
      firstFailure ??= {
        ok: false,
        message: typeof err?.message === "string" ? err.message : "Could not parse the statement",
        offset: err?.location?.start?.offset,
      };
    }
  }
  return firstFailure!;
}
