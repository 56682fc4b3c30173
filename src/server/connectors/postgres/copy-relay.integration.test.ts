import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createScratchDatabase, type ScratchDatabase } from "../../../test/pg-scratch";
import { serviceAvailable } from "../../../test/services";
import type { Connector } from "../types";
import { createPostgresConnector } from "./index";

const available = await serviceAvailable("postgres");

let connector: Connector;
let scratch: ScratchDatabase;
let direct: pg.Client;
const sql = async (text: string) => (await direct.query(text)).rows;

describe.runIf(available)("COPY TO relayed into COPY FROM as CopyData frames (integration, PostgreSQL)", () => {
  beforeAll(async () => {
    scratch = await createScratchDatabase("quarry_relay");
    direct = scratch.direct;
    await sql(`CREATE TABLE src AS SELECT g AS id, CASE WHEN g % 7 = 0 THEN NULL ELSE 'v' || g || E'\\t\\\\ ' || repeat('é', g % 50) END AS label,
      g / 3.0 AS amount, timestamp '2024-01-01' + g * interval '1 minute' AS at, ARRAY[g, g + 1] AS pair, jsonb_build_object('g', g) AS doc FROM generate_series(1, 60000) g`);
    connector = createPostgresConnector(scratch.config);
  });

  afterAll(async () => {
    await connector?.close();
    await scratch?.drop();
  });

  const digest = (table: string) => sql(`SELECT count(*)::int AS n, md5(string_agg(t::text, '|' ORDER BY id)) AS h FROM ${table} t`);

  for (const format of ["text", "binary"] as const) {
    it(`copies every row intact in ${format} format, also while the reader lags`, async () => {
      const target = `dst_${format}`;
      await sql(`CREATE TABLE ${target} (id bigint, label text, amount numeric, at timestamp, pair int[], doc jsonb)`);
      // Binary needs the exact target types: src.id is an integer, the target's a bigint.
      const query = "SELECT id::bigint AS id, label, amount, at, pair, doc FROM src";
      let n = 0;
      async function* lagging() {
        for await (const chunk of connector.copyOut!(query, { readOnly: true, timeoutMs: 30_000, copyFormat: format, copyFrames: true })) {
          if (++n % 4 === 0) await new Promise((r) => setTimeout(r, 3));
          yield chunk;
        }
      }
      const copied = await connector.transaction((tx) => tx.copyFrom!(`COPY ${target} FROM STDIN${format === "binary" ? " WITH (FORMAT binary)" : ""}`, lagging(), { framed: true }));
      expect(copied).toBe(60000);
      expect(n).toBeGreaterThan(1);
      expect(await digest(target)).toEqual(await digest("src"));
      // Both connections are usable afterwards: the relay gave pg back its parser.
      expect((await connector.run("SELECT 5 AS five", { maxRows: 1, timeoutMs: 5_000, readOnly: true })).rows).toEqual([{ five: 5 }]);
    });
  }

  it("a COPY TO that fails mid-way rolls the COPY FROM back and leaves both connections usable", async () => {
    await sql("CREATE TABLE dst_fail (id bigint, label text)");
    // Division by zero at row 40,000: after many frames have been relayed.
    const query = "SELECT id, label || (1 / (40000 - id))::text AS label FROM src ORDER BY id";
    const attempt = connector.transaction((tx) => tx.copyFrom!("COPY dst_fail FROM STDIN", connector.copyOut!(query, { readOnly: true, timeoutMs: 30_000, copyFormat: "text", copyFrames: true }), { framed: true }));
    await expect(attempt).rejects.toThrow(/division by zero/);
    expect(await sql("SELECT count(*)::int AS n FROM dst_fail")).toEqual([{ n: 0 }]);
    for (let i = 0; i < 3; i++) expect((await connector.run("SELECT 6 AS six", { maxRows: 1, timeoutMs: 5_000, readOnly: true })).rows).toEqual([{ six: 6 }]);
  });
});
