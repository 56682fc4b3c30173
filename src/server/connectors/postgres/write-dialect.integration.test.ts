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

const columnsOf = (parts: string[]) => {
  const q = (n: string) => connector.dialect.quoteIdentifier(n);
  return connector.writeDialect.tableColumns((sql, params) => connector.run(sql, { maxRows: 1000, timeoutMs: 10_000, readOnly: true, params }), parts, parts.map(q).join("."));
};

describe.runIf(available)("PostgreSQL write dialect: a target table's columns (integration)", () => {
  beforeAll(async () => {
    scratch = await createScratchDatabase("quarry_wd");
    direct = scratch.direct;
    await direct.query(`CREATE SCHEMA sales;
      CREATE TABLE sales.orders (id numeric(12,0), note varchar(32), dropped int, total double precision, at timestamptz, tags text[]);
      ALTER TABLE sales.orders DROP COLUMN dropped;
      CREATE TABLE public.orders (only_here int);
      CREATE INDEX orders_idx ON public.orders (only_here);
      CREATE VIEW order_view AS SELECT only_here FROM public.orders;
      CREATE SEQUENCE order_seq;`);
    connector = createPostgresConnector(scratch.config);
  });

  afterAll(async () => {
    await connector?.close();
    await scratch?.drop();
  });

  it("names the columns in table order with their exact types, dropped columns left out", async () => {
    expect(await columnsOf(["sales", "orders"])).toEqual([
      { name: "id", type: "numeric(12,0)", binaryCopy: true },
      { name: "note", type: "character varying(32)", binaryCopy: true },
      { name: "total", type: "double precision", binaryCopy: true },
      { name: "at", type: "timestamp with time zone", binaryCopy: true },
      { name: "tags", type: "text[]", binaryCopy: true },
    ]);
  });

  it("finds a bare name where the load's statements will (the search path), and no table where there is none", async () => {
    expect(await columnsOf(["orders"])).toEqual([{ name: "only_here", type: "integer", binaryCopy: true }]);
    expect(await columnsOf(["order_view"])).toEqual([{ name: "only_here", type: "integer", binaryCopy: true }]);
    expect(await columnsOf(["nowhere"])).toBeNull();
    expect(await columnsOf(["sales", "nowhere"])).toBeNull();
    // An index or a sequence is not a table rows can go into.
    expect(await columnsOf(["orders_idx"])).toBeNull();
    expect(await columnsOf(["order_seq"])).toBeNull();
  });
});
