import "server-only";
import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import { tlsOptions, type ConnectorOptions } from "../config";
import type { ConnectionConfig, ResultColumn, ValueKind } from "../types";
import { decimalText, integerText, localTimestampText } from "../values";
import { GuardedClient } from "./frame-guard";

export function pgClientConfig(config: ConnectionConfig, options: ConnectorOptions): pg.ClientConfig {
  return {
    host: config.host ?? "127.0.0.1",
    port: config.port ?? 5432,
    database: config.database,
    user: config.username,
    // An explicit value keeps pg from falling back to PGPASSWORD/.pgpass of the server process.
    password: config.password ?? "",
    ssl: tlsOptions(config, options) ?? false,
    connectionTimeoutMillis: options.connectTimeoutMs,
    application_name: "quarry",
    keepAlive: true,
  };
}

export function createPgPool(clientConfig: pg.ClientConfig, options: ConnectorOptions): pg.Pool {
  // GuardedClient: an oversize value fails its query instead of crashing the process (frame-guard.ts).
  const pool = new pg.Pool({ ...clientConfig, Client: GuardedClient, max: options.poolMax, idleTimeoutMillis: 30_000 });
  // An idle client losing its server emits here; unhandled, it would crash the process.
  pool.on("error", () => {});
  return pool;
}

// Kysely's own rows never leave the connector, so the schema type stays open.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyKysely = Kysely<any>;

export const createPgKysely = (pool: pg.Pool): AnyKysely => new Kysely({ dialect: new PostgresDialect({ pool }) });

const O = pg.types.builtins;
const defaultTimestamptz = pg.types.getTypeParser(O.TIMESTAMPTZ, "text");

/**
 * pg's defaults turn `date`/`timestamp` into local-time Dates (shifting them by the
 * server process's zone) and int8/numeric into strings; these keep values exact.
 */
const parsers = new Map<number, (text: string) => unknown>([
  [O.INT8, integerText],
  [O.NUMERIC, decimalText],
  [O.DATE, (t) => t],
  [O.TIMESTAMP, localTimestampText],
  [O.TIMESTAMPTZ, (t) => {
    const d = defaultTimestamptz(t) as Date | string;
    return d instanceof Date && !Number.isNaN(d.getTime()) ? d.toISOString() : t;
  }],
  [O.TIME, (t) => t],
  [O.TIMETZ, (t) => t],
  [O.INTERVAL, (t) => t],
  [O.MONEY, (t) => t],
]);

export const pgTypes: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    parsers.get(oid) ?? pg.types.getTypeParser(oid, format ?? "text")) as pg.CustomTypesConfig["getTypeParser"],
};

const builtinNames = new Map<number, string>(Object.entries(O).map(([name, oid]) => [oid as number, name.toLowerCase()]));

const builtinKinds = new Map<number, ValueKind>();
for (const oid of [O.INT2, O.INT4, O.INT8, O.OID, O.FLOAT4, O.FLOAT8, O.NUMERIC]) builtinKinds.set(oid, "number");
for (const oid of [O.DATE, O.TIMESTAMP, O.TIMESTAMPTZ, O.TIME, O.TIMETZ]) builtinKinds.set(oid, "date");
builtinKinds.set(O.BOOL, "boolean");
builtinKinds.set(O.JSON, "json");
builtinKinds.set(O.JSONB, "json");
builtinKinds.set(O.BYTEA, "binary");

// pg_type.typcategory → kind, for arrays, enums, domains and extension types.
const categoryKinds: Record<string, ValueKind> = { A: "json", B: "boolean", D: "date", N: "number", S: "string", E: "string", U: "string" };

interface CatalogType {
  name: string;
  kind: ValueKind;
}

interface CatalogRow {
  oid: number;
  name: string;
  category: string;
}

/** Reads the catalog rows of some type OIDs (the connection it runs on is the caller's choice). */
export type TypeLookup = (query: { text: string; values: unknown[] }) => Promise<CatalogRow[]>;

/** The lookup on a client that is idle (no portal of its own open). */
export const lookupOn =
  (client: pg.ClientBase): TypeLookup =>
  async (query) =>
    (await client.query<CatalogRow>(query)).rows;

/**
 * The lookup on a short connection of its own, for a client whose cursor is open: pg
 * queues a second query behind the open portal until it ends, so asking there waits
 * for ever. Only a type this connector has not met yet costs the connection.
 */
export const lookupAside =
  (clientConfig: pg.ClientConfig): TypeLookup =>
  async (query) =>
    // The columns stay unnamed (their OID, kind unknown) rather than failing the read; the next read asks again.
    onSideConnection(clientConfig, "quarry-types", async (client) => (await client.query<CatalogRow>(query)).rows).catch(() => []);

/**
 * Runs `fn` on a short connection outside the pool (a cancel, a catalogue lookup while
 * the pooled client is busy), always closed afterwards.
 */
export async function onSideConnection<T>(clientConfig: pg.ClientConfig, applicationName: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ ...clientConfig, application_name: applicationName });
  client.on("error", () => {});
  try {
    await client.connect();
    return await fn(client);
  } finally {
    await client.end().catch(() => {});
  }
}

/** Per-connector cache of type OIDs that pg.types.builtins does not name. */
export class PgTypeNames {
  private catalog = new Map<number, CatalogType>();

  async columns(lookup: TypeLookup, fields: pg.FieldDef[], keys: string[]): Promise<ResultColumn[]> {
    const missing = [...new Set(fields.map((f) => f.dataTypeID))].filter((oid) => !builtinNames.has(oid) && !this.catalog.has(oid));
    if (missing.length > 0) {
      const rows = await lookup({
        text: "SELECT oid::int AS oid, format_type(oid, NULL) AS name, typcategory AS category FROM pg_type WHERE oid = ANY($1::oid[])",
        values: [missing],
      });
      for (const row of rows) this.catalog.set(row.oid, { name: row.name, kind: categoryKinds[row.category] ?? "unknown" });
    }
    return fields.map((f, i) => {
      const known = this.catalog.get(f.dataTypeID);
      const name = builtinNames.get(f.dataTypeID) ?? known?.name ?? String(f.dataTypeID);
      const kind = builtinKinds.get(f.dataTypeID) ?? (builtinNames.has(f.dataTypeID) ? "string" : (known?.kind ?? "unknown"));
      return { name: keys[i]!, type: name, kind };
    });
  }
}

/** Errors after which a client must not go back to the pool (no SQLSTATE, or a connection-level one). */
export function isFatalForClient(err: unknown): boolean {
  const code = (err as { code?: string } | null)?.code ?? "";
  return /^(08|28|3D|53|57P0[1-3])/.test(code) || /^E[A-Z]+$/.test(code) || !code;
}
