import "server-only";
import { format, type SqlLanguage } from "sql-formatter";
import { badRequest } from "@/server/errors";
import type { SqlDialect } from "./types";

const languages: Record<SqlDialect, SqlLanguage> = { postgres: "postgresql", mysql: "mysql", sqlite: "sqlite" };

export function formatterLanguage(dialect: SqlDialect): SqlLanguage {
  return languages[dialect];
}

/** Pretty-prints SQL for the editor; input the formatter cannot tokenize is the user's to fix. */
export function formatSql(sql: string, dialect: SqlDialect): string {
  try {
    return format(sql, { language: languages[dialect], keywordCase: "upper", tabWidth: 2 });
  } catch (e) {
    throw badRequest(`Could not format the SQL: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}`);
  }
}
