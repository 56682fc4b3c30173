import pg from "pg";
import type Cursor from "pg-cursor";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { begunCursor } from "./begun-cursor";

/** The read's BEGIN and SET LOCAL travel with the query: check what makes that safe, on a real server. */
describe("begunCursor (PostgreSQL)", () => {
  let client: pg.Client;
  beforeAll(async () => {
    client = new pg.Client({ host: "127.0.0.1", port: 5432, user: "postgres", database: "test" });
    await client.connect();
  });
  afterAll(() => client.end());

  const readAll = (cursor: Cursor) =>
    new Promise<unknown[]>((resolve, reject) => cursor.read(100, (err, rows) => (err ? reject(err) : resolve(rows))));
  const status = () => (client as unknown as { getTransactionStatus(): string }).getTransactionStatus();

  it("runs the query inside the opened read-only transaction and returns its rows", async () => {
    const cursor = client.query(begunCursor(["BEGIN READ ONLY", "SET LOCAL statement_timeout = 5000"], "SELECT g AS n, current_setting('transaction_read_only') AS ro, current_setting('statement_timeout') AS t FROM generate_series(1, 3) g", undefined, { rowMode: "array" }));
    expect(await readAll(cursor)).toEqual([[1, "on", "5s"], [2, "on", "5s"], [3, "on", "5s"]]);
    await cursor.close();
    expect(status()).toBe("T");
    await client.query("ROLLBACK");
    expect((await client.query("SHOW statement_timeout")).rows[0].statement_timeout).toBe("0");
  });

  it("refuses a write in the read-only transaction", async () => {
    const cursor = client.query(begunCursor(["BEGIN READ ONLY"], "CREATE TEMP TABLE begun_cursor_write (x int)", undefined, { rowMode: "array" }));
    await expect(readAll(cursor)).rejects.toMatchObject({ code: "25006" });
    await client.query("ROLLBACK");
    expect((await client.query("SELECT to_regclass('pg_temp.begun_cursor_write') AS t")).rows[0].t).toBeNull();
  });

  it("never runs the query when an opener fails: the server skips to the Sync", async () => {
    const cursor = client.query(begunCursor(["SELECT 1/0"], "CREATE TEMP TABLE begun_cursor_skipped (x int)", undefined, { rowMode: "array" }));
    await expect(readAll(cursor)).rejects.toMatchObject({ code: "22012" });
    await client.query("ROLLBACK").catch(() => undefined);
    expect((await client.query("SELECT to_regclass('pg_temp.begun_cursor_skipped') AS t")).rows[0].t).toBeNull();
  });

  it("stops the query at the timeout set by its opener", async () => {
    const started = Date.now();
    const cursor = client.query(begunCursor(["BEGIN READ ONLY", "SET LOCAL statement_timeout = 200"], "SELECT pg_sleep(5)", undefined, { rowMode: "array" }));
    await expect(readAll(cursor)).rejects.toMatchObject({ code: "57014" });
    expect(Date.now() - started).toBeLessThan(3_000);
    await client.query("ROLLBACK");
    expect((await client.query("SELECT 1 AS one")).rows[0].one).toBe(1);
  });
});
