import "server-only";
import type pg from "pg";
import Cursor from "pg-cursor";

/**
 * A cursor that opens its read's transaction in the same round trip: the `BEGIN READ
 * ONLY` and `SET LOCAL` statements go out as extended-protocol messages (Parse, Bind,
 * Execute each, no Sync) ahead of the cursor's own. It is safe because of how the
 * protocol treats errors: after an ErrorResponse the server discards every message up
 * to the next Sync, so if any opening statement fails, the query's Parse/Bind/Execute
 * are never run; outside the read-only transaction nothing of it can happen.
 * statement_timeout set here governs the query: in the extended protocol the timer is
 * started per message, from the setting in force then.
 *
 * pg hands every CommandComplete to the active query; the openers' are swallowed so
 * the cursor sees only its own (it closes its portal on the first it gets).
 */
export function begunCursor(
  openers: string[],
  text: string,
  values: unknown[] | undefined,
  config: ConstructorParameters<typeof Cursor>[2],
): Cursor {
  const cursor = new Cursor(text, values, config);
  const submit = cursor.submit.bind(cursor);
  cursor.submit = (connection: pg.Connection) => {
    for (const opener of openers) {
      connection.parse({ name: "", text: opener, types: [] }, true);
      connection.bind({}, true);
      connection.execute({}, true);
    }
    submit(connection);
  };
  const handlers = cursor as unknown as { handleCommandComplete(msg: unknown, connection: unknown): void };
  const complete = handlers.handleCommandComplete.bind(cursor);
  let openersLeft = openers.length;
  handlers.handleCommandComplete = (msg, connection) => {
    if (openersLeft > 0) {
      openersLeft--;
      return;
    }
    complete(msg, connection);
  };
  return cursor;
}
