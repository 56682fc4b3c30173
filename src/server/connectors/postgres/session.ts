import "server-only";
import type pg from "pg";

/**
 * What a pooled PostgreSQL session must shed before it serves anyone else. A
 * rollback undoes transactional state only: session settings made outside a
 * transaction, prepared statements, held cursors, advisory locks, LISTEN
 * registrations, temp tables and remote connections (dblink, postgres_fdw) all
 * survive it. This is DISCARD ALL spelled out, because DISCARD ALL cannot run in the
 * implicit transaction of a multi-statement query, and one round trip is the budget.
 */
const RESET_SESSION = [
  "CLOSE ALL",
  "SET SESSION AUTHORIZATION DEFAULT",
  "RESET ALL",
  "DEALLOCATE ALL",
  "UNLISTEN *",
  "SELECT pg_catalog.pg_advisory_unlock_all()",
  "DISCARD PLANS",
  "DISCARD TEMP",
  "DISCARD SEQUENCES",
].join("; ");

/**
 * Asked at the end of every reset (a catalogue lookup, no extra round trip), so an
 * extension created after the pool was made is noticed at the first reset after it.
 */
const REMOTE_CHECK = "SELECT EXISTS (SELECT FROM pg_catalog.pg_extension WHERE extname IN ('dblink', 'postgres_fdw')) AS remote";

/**
 * dblink keeps named connections and one unnamed one in backend memory; nothing but
 * dblink_disconnect closes them. postgres_fdw caches its connections likewise.
 * Names are resolved through the extension's own schema so a same-named function
 * elsewhere on the search path is never what runs. A login that may not call dblink
 * (the recommended setup) skips it, unless some role it can switch to could open a
 * connection that it then cannot close: that session is not trusted (an error here
 * destroys it).
 */
const CLOSE_REMOTE = `DO $quarry_reset$
DECLARE s text; c text;
BEGIN
  SELECT n.nspname INTO s FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'dblink';
  IF s IS NOT NULL THEN
    IF pg_catalog.has_schema_privilege(s, 'USAGE')
       AND pg_catalog.has_function_privilege(pg_catalog.format('%I.dblink_get_connections()', s), 'EXECUTE')
       AND pg_catalog.has_function_privilege(pg_catalog.format('%I.dblink_disconnect(text)', s), 'EXECUTE')
       AND pg_catalog.has_function_privilege(pg_catalog.format('%I.dblink_disconnect()', s), 'EXECUTE') THEN
      FOR c IN EXECUTE pg_catalog.format('SELECT pg_catalog.unnest(%I.dblink_get_connections())', s) LOOP
        EXECUTE pg_catalog.format('SELECT %I.dblink_disconnect($1)', s) USING c;
      END LOOP;
      BEGIN
        EXECUTE pg_catalog.format('SELECT %I.dblink_disconnect()', s);
      EXCEPTION WHEN connection_does_not_exist THEN NULL;
      END;
    ELSIF EXISTS (
      SELECT FROM pg_catalog.pg_roles r
      WHERE pg_catalog.pg_has_role(r.oid, 'MEMBER') AND pg_catalog.has_schema_privilege(r.oid, s, 'USAGE')
        AND (pg_catalog.has_function_privilege(r.oid, pg_catalog.format('%I.dblink_connect(text)', s), 'EXECUTE')
          OR pg_catalog.has_function_privilege(r.oid, pg_catalog.format('%I.dblink_connect(text, text)', s), 'EXECUTE'))) THEN
      RAISE EXCEPTION 'dblink connections may be open but cannot be closed by this login';
    END IF;
  END IF;
  s := NULL;
  SELECT n.nspname INTO s FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'postgres_fdw';
  IF s IS NOT NULL AND pg_catalog.has_schema_privilege(s, 'USAGE')
     AND pg_catalog.to_regprocedure(pg_catalog.format('%I.postgres_fdw_disconnect_all()', s)) IS NOT NULL
     AND pg_catalog.has_function_privilege(pg_catalog.format('%I.postgres_fdw_disconnect_all()', s), 'EXECUTE') THEN
    EXECUTE pg_catalog.format('SELECT %I.postgres_fdw_disconnect_all()', s);
  END IF;
END $quarry_reset$`;

/** Per pool: whether the database has an extension that opens remote connections. */
export class SessionReset {
  /** Unknown until the first reset, which therefore closes remote connections too. */
  private remote: boolean | undefined;

  /**
   * Resets `client` in one round trip; false when it cannot be trusted to be clean
   * (the reset failed, or a remote-connection extension exists that this reset did
   * not close connections of): the caller then destroys it.
   */
  async run(client: pg.ClientBase): Promise<boolean> {
    // The flag this reset's text was built from, not whatever a concurrent reset set it to.
    const closesRemote = this.remote !== false;
    // The rollback ends a read (or anything a write left open); skipped only when the
    // server's last ReadyForQuery said idle, so the server log is not flooded with
    // "there is no transaction in progress".
    const idle = (client as unknown as { getTransactionStatus?: () => string | null }).getTransactionStatus?.() === "I";
    const reset = `${idle ? "" : "ROLLBACK; "}${RESET_SESSION}`;
    const text = closesRemote ? `${reset}; ${CLOSE_REMOTE}; ${REMOTE_CHECK}` : `${reset}; ${REMOTE_CHECK}`;
    try {
      const results = (await client.query(text)) as unknown as pg.QueryResult<{ remote: boolean }>[];
      const remote = results.at(-1)?.rows[0]?.remote === true;
      this.remote = remote;
      return closesRemote || !remote;
    } catch {
      return false;
    }
  }
}

export const quotePgIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** The statements that open a read: read-only, bounded, and as the read role when there is one. */
export function beginReadText(timeoutMs: number, readRole: string | undefined): string {
  return beginReadStatements(timeoutMs, readRole).join("; ");
}

export function beginReadStatements(timeoutMs: number, readRole: string | undefined): string[] {
  const parts = ["BEGIN READ ONLY", `SET LOCAL statement_timeout = ${Math.max(1, Math.ceil(timeoutMs))}`];
  if (readRole) parts.push(`SET LOCAL ROLE ${quotePgIdent(readRole)}`);
  return parts;
}
