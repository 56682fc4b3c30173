import "server-only";
import type { SqlDialect } from "./types";

/**
 * Built-in functions that change state, take locks, reach outside the database,
 * stall a connection or run a SQL string, so a SELECT calling one is not a plain
 * read. Matched on the last part of the name, case-insensitively, so
 * `pg_catalog.NEXTVAL(...)` and `"nextval"(...)` count too. User-defined functions
 * can do anything; that is what the read-only transaction is for.
 */
const exact: Record<SqlDialect, ReadonlySet<string>> = {
  postgres: new Set([
    "nextval",
    "setval",
    "set_config",
    "txid_current",
    "txid_current_if_assigned",
    "pg_current_xact_id",
    "pg_current_xact_id_if_assigned",
    "pg_terminate_backend",
    "pg_cancel_backend",
    "pg_reload_conf",
    "pg_rotate_logfile",
    "pg_switch_wal",
    "pg_switch_xlog",
    "pg_promote",
    "pg_create_restore_point",
    "pg_notify",
    "pg_import_system_collations",
    "pg_drop_replication_slot",
    "pg_replication_slot_advance",
    "pg_log_backend_memory_contexts",
    "pg_write_file",
    "lo_import",
    "lo_export",
    "lo_unlink",
    "lo_create",
    "lo_creat",
    "lo_from_bytea",
    "lo_put",
    "lo_truncate",
    "lo_truncate64",
    "lowrite",
    // These execute a query passed as a string.
    "query_to_xml",
    "query_to_xmlschema",
    "query_to_xml_and_xmlschema",
    "ts_stat",
  ]),
  mysql: new Set([
    "get_lock",
    "release_lock",
    "release_all_locks",
    "sleep",
    "benchmark",
    "load_file",
    "sys_exec",
    "sys_eval",
    "sys_set",
    "master_pos_wait",
    "source_pos_wait",
    "wait_for_executed_gtid_set",
    "wait_until_sql_thread_after_gtids",
    // MariaDB sequences.
    "nextval",
    "setval",
  ]),
  sqlite: new Set(["load_extension", "writefile", "readfile", "edit", "fts3_tokenizer"]),
};

const patterns: Record<SqlDialect, readonly RegExp[]> = {
  postgres: [
    /^pg_(try_)?advisory_/,
    /^pg_file_/,
    /^pg_read_(binary_)?file$/,
    /^pg_ls_/,
    /^pg_stat_reset/,
    /^pg_sleep/,
    /^pg_create_\w*replication_slot$/,
    /^pg_copy_\w*replication_slot$/,
    /^pg_replication_origin_/,
    /^pg_logical_/,
    /^pg_wal_replay_/,
    /^pg_(start|stop)_backup$/,
    /^pg_backup_/,
    /^dblink/,
  ],
  mysql: [],
  sqlite: [],
};

/** The normalized name when `name` is a side-effecting built-in of `dialect`, else null. */
export function sideEffectFunction(name: string, dialect: SqlDialect): string | null {
  const lower = name.toLowerCase();
  if (exact[dialect].has(lower) || patterns[dialect].some((re) => re.test(lower))) return lower;
  return null;
}
