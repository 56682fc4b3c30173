import "server-only";
import { Kysely, MysqlDialect } from "kysely";
import mysql, { type FieldPacket, type Pool, type PoolOptions } from "mysql2";
import { tlsOptions, type ConnectorOptions } from "../config";
import type { ConnectionConfig, ResultColumn, ValueKind } from "../types";
import { decimalText, localTimestampText, type ValueConverter } from "../values";

export function mysqlPoolOptions(config: ConnectionConfig, options: ConnectorOptions): PoolOptions {
  return {
    host: config.host ?? "127.0.0.1",
    port: config.port ?? 3306,
    database: config.database,
    user: config.username,
    password: config.password ?? "",
    ssl: tlsOptions(config, options),
    connectTimeout: options.connectTimeoutMs,
    connectionLimit: options.poolMax,
    // The server refuses a second statement outright when the client does not ask for them.
    multipleStatements: false,
    // Numbers when exact, strings when not; dates as the server's text (no zone shifts).
    supportBigNumbers: true,
    bigNumberStrings: false,
    decimalNumbers: false,
    dateStrings: true,
    charset: "utf8mb4",
    enableKeepAlive: true,
    // LOAD DATA LOCAL would let the server ask for files from this machine. IGNORE_SPACE
    // (a mysql2 default) would hold only until the first COM_RESET_CONNECTION, so a
    // fresh session would parse SQL differently from a reused one.
    flags: ["-LOCAL_FILES", "-IGNORE_SPACE"],
  };
}

export function createMysqlPool(options: PoolOptions): Pool {
  const pool = mysql.createPool(options);
  pool.on("connection", (conn) => conn.on("error", () => {}));
  return pool;
}

// Kysely's own rows never leave the connector, so the schema type stays open.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyKysely = Kysely<any>;

export const createMysqlKysely = (pool: Pool): AnyKysely => new Kysely({ dialect: new MysqlDialect({ pool }) });

export interface ServerFlavor {
  mariadb: boolean;
  version: string;
  /** Session variable that makes every transaction read-only, implicit ones included. */
  readOnlyVar: string;
  /** Assignment bounding one statement's run time (MariaDB: seconds, MySQL: ms, SELECT only). */
  timeout(ms: number): string;
}

export function flavorOf(version: string): ServerFlavor {
  const mariadb = /mariadb/i.test(version);
  return mariadb
    ? {
        mariadb,
        version,
        readOnlyVar: "tx_read_only",
        timeout: (ms) => `max_statement_time = ${(Math.max(1, ms) / 1000).toFixed(3)}`,
      }
    : {
        mariadb,
        version,
        readOnlyVar: "transaction_read_only",
        timeout: (ms) => `max_execution_time = ${Math.max(1, Math.ceil(ms))}`,
      };
}

const T = mysql.Types;
const BINARY_CHARSET = 63;

const names = new Map<number, string>([
  [T.TINY, "TINYINT"], [T.SHORT, "SMALLINT"], [T.INT24, "MEDIUMINT"], [T.LONG, "INT"], [T.LONGLONG, "BIGINT"],
  [T.FLOAT, "FLOAT"], [T.DOUBLE, "DOUBLE"], [T.DECIMAL, "DECIMAL"], [T.NEWDECIMAL, "DECIMAL"], [T.YEAR, "YEAR"],
  [T.DATE, "DATE"], [T.NEWDATE, "DATE"], [T.TIME, "TIME"], [T.DATETIME, "DATETIME"], [T.TIMESTAMP, "TIMESTAMP"],
  [T.BIT, "BIT"], [T.JSON, "JSON"], [T.ENUM, "ENUM"], [T.SET, "SET"], [T.GEOMETRY, "GEOMETRY"], [T.NULL, "NULL"],
  [T.VARCHAR, "VARCHAR"], [T.VAR_STRING, "VARCHAR"], [T.STRING, "CHAR"],
  [T.TINY_BLOB, "TINYBLOB"], [T.MEDIUM_BLOB, "MEDIUMBLOB"], [T.LONG_BLOB, "LONGBLOB"], [T.BLOB, "BLOB"],
]);

const textNames: Record<string, string> = { TINYBLOB: "TINYTEXT", MEDIUMBLOB: "MEDIUMTEXT", LONGBLOB: "LONGTEXT", BLOB: "TEXT" };

const numeric = new Set<number>([T.TINY, T.SHORT, T.INT24, T.LONG, T.LONGLONG, T.FLOAT, T.DOUBLE, T.DECIMAL, T.NEWDECIMAL, T.YEAR]);
const dates = new Set<number>([T.DATE, T.NEWDATE, T.TIME, T.DATETIME, T.TIMESTAMP]);
const stringish = new Set<number>([T.VARCHAR, T.VAR_STRING, T.STRING, T.TINY_BLOB, T.MEDIUM_BLOB, T.LONG_BLOB, T.BLOB]);
const UNSIGNED = 32;

const parseJson: ValueConverter = (v) => {
  if (typeof v !== "string") return v;
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
};

type MariaField = FieldPacket & { columnType?: number; characterSet?: number; extendedTypeName?: string; extendedFormat?: string };

/** Column types as the server names them, plus what each column's values need. */
export function mysqlColumns(fields: FieldPacket[], keys: string[]): { columns: ResultColumn[]; converters: (ValueConverter | undefined)[] } {
  const converters: (ValueConverter | undefined)[] = [];
  const columns = fields.map((raw, i): ResultColumn => {
    const f = raw as MariaField;
    const code = f.columnType ?? (f.type as number);
    const binary = f.characterSet === BINARY_CHARSET;
    let type = names.get(code) ?? `TYPE_${code}`;
    let kind: ValueKind = "unknown";
    if (f.extendedFormat === "json" || code === T.JSON) {
      type = "JSON";
      kind = "json";
      converters[i] = parseJson;
    } else if (numeric.has(code)) {
      kind = "number";
      if (code === T.DECIMAL || code === T.NEWDECIMAL) converters[i] = (v) => (typeof v === "string" ? decimalText(v) : v);
      if ((f.flags as number) & UNSIGNED) type += " UNSIGNED";
    } else if (dates.has(code)) {
      kind = "date";
      if (code === T.DATETIME || code === T.TIMESTAMP) converters[i] = (v) => (typeof v === "string" ? localTimestampText(v) : v);
    } else if (stringish.has(code)) {
      kind = binary ? "binary" : "string";
      const blob = type in textNames;
      if (binary && !blob) type = type === "CHAR" ? "BINARY" : "VARBINARY";
      if (!binary && blob) type = textNames[type]!;
    } else if (code === T.ENUM || code === T.SET) kind = "string";
    else if (code === T.BIT) kind = "binary";
    if (f.extendedTypeName) type = f.extendedTypeName.toUpperCase();
    return { name: keys[i]!, type, kind };
  });
  return { columns, converters };
}
