import "server-only";
import { isOp, type Token } from "./lexer";

/**
 * SQLite pragmas that only report. Anything else (an assignment, the `pragma(value)`
 * setter form, or a pragma that acts, like `optimize`, `wal_checkpoint` or
 * `incremental_vacuum`) is not a read. Unknown pragmas are treated as acting.
 */
const READ_WITH_ARGUMENT = new Set([
  "table_info",
  "table_xinfo",
  "table_list",
  "index_info",
  "index_xinfo",
  "index_list",
  "foreign_key_list",
  "foreign_key_check",
  "integrity_check",
  "quick_check",
]);

const READ_WITHOUT_ARGUMENT = new Set([
  "application_id",
  "auto_vacuum",
  "automatic_index",
  "busy_timeout",
  "cache_size",
  "cache_spill",
  "cell_size_check",
  "collation_list",
  "compile_options",
  "data_version",
  "database_list",
  "defer_foreign_keys",
  "encoding",
  "foreign_keys",
  "freelist_count",
  "function_list",
  "journal_mode",
  "journal_size_limit",
  "locking_mode",
  "max_page_count",
  "mmap_size",
  "module_list",
  "page_count",
  "page_size",
  "pragma_list",
  "query_only",
  "recursive_triggers",
  "schema_version",
  "secure_delete",
  "synchronous",
  "temp_store",
  "trusted_schema",
  "user_version",
  "wal_autocheckpoint",
]);

export interface PragmaVerdict {
  name: string;
  read: boolean;
}

/** `tokens[at]` is the PRAGMA keyword. */
export function classifyPragma(tokens: Token[], at: number): PragmaVerdict {
  let i = at + 1;
  if (isOp(tokens[i + 1], ".")) i += 2; // PRAGMA schema.name
  const nameToken = tokens[i];
  const name = nameToken ? (nameToken.type === "quoted" ? nameToken.value : nameToken.text).toLowerCase() : "";
  const assigns = tokens.slice(i).some((t) => isOp(t, "="));
  const hasArgument = isOp(tokens[i + 1], "(");
  const read = !assigns && (READ_WITH_ARGUMENT.has(name) || (!hasArgument && READ_WITHOUT_ARGUMENT.has(name)));
  return { name, read };
}
