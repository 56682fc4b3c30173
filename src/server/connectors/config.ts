import "server-only";
import { createHmac, randomBytes } from "node:crypto";
import { z } from "zod";
import { ENGINES } from "../../lib/engine";
import { AppError } from "../errors";
import type { ConnectionConfig, Engine } from "./types";

export const engineSchema = z.enum(ENGINES);

export const connectionConfigSchema = z.object({
  engine: engineSchema,
  host: z.string().min(1).optional(),
  port: z.number().int().min(1).max(65535).optional(),
  database: z.string().min(1),
  username: z.string().optional(),
  password: z.string().optional(),
  sslMode: z.enum(["disable", "require", "verify-full"]).optional(),
  readRole: z.string().min(1).max(63).optional(),
  options: z.record(z.string(), z.unknown()).optional(),
}).refine((c) => !c.readRole || c.engine === "postgres", {
  // MySQL/MariaDB roles add to the login's privileges instead of replacing them.
  message: "readRole is supported on PostgreSQL only",
  path: ["readRole"],
});

export const connectorOptionsSchema = z.object({
  /**
   * Pooled connections (SQLite: concurrent query processes). Default: 10 for server
   * engines (pg's own default; with 5, 32 concurrent API clients queued for a session
   * more than they ran), 5 for SQLite.
   */
  poolMax: z.number().int().min(1).max(100).optional(),
  connectTimeoutMs: z.number().int().min(100).max(120_000).default(10_000),
  /** PostgreSQL: schemas to introspect (default: all non-system schemas). */
  schemas: z.array(z.string().min(1)).optional(),
  /** PEM CA certificate for sslMode verify-full against a private CA. */
  sslCa: z.string().optional(),
});

export type ConnectorOptions = z.infer<typeof connectorOptionsSchema> & { poolMax: number };

export function connectorOptions(config: ConnectionConfig): ConnectorOptions {
  const parsed = connectorOptionsSchema.safeParse(config.options ?? {});
  if (parsed.success) return { ...parsed.data, poolMax: parsed.data.poolMax ?? (config.engine === "sqlite" ? 5 : 10) };
  throw new AppError("VALIDATION_ERROR", "Invalid connection options", {
    fields: parsed.error.issues.map((i) => ({ field: `options.${i.path.join(".")}`, message: i.message })),
  });
}

export const defaultPorts: Record<Engine, number | undefined> = { postgres: 5432, mysql: 3306, sqlite: undefined };

const engineLabel: Record<Engine, string> = { postgres: "PostgreSQL", mysql: "MySQL/MariaDB", sqlite: "SQLite" };

/** Human-readable and safe to log or show: never contains the password. */
export function describeConfig(config: ConnectionConfig): string {
  if (config.engine === "sqlite") return `SQLite file ${config.database}`;
  const user = config.username ? `${config.username}@` : "";
  const host = config.host ?? "127.0.0.1";
  const port = config.port ?? defaultPorts[config.engine];
  const ssl = config.sslMode && config.sslMode !== "disable" ? ` (ssl ${config.sslMode})` : "";
  return `${engineLabel[config.engine]} ${user}${host}:${port}/${config.database}${ssl}`;
}

// Keyed per process so the cache key of a config cannot be used to guess its password.
const keySecret = randomBytes(32);

/** Changes whenever anything that affects the connection changes, password included. */
export function configKey(config: ConnectionConfig): string {
  return createHmac("sha256", keySecret).update(stableJson(config)).digest("hex");
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/**
 * TLS settings from `sslMode`, shared by the pg and mysql2 drivers (both take this
 * shape): `require` encrypts without checking the certificate, `verify-full` checks it.
 */
export function tlsOptions(config: ConnectionConfig, options: ConnectorOptions): { rejectUnauthorized: boolean; ca?: string } | undefined {
  if (config.sslMode === "require") return { rejectUnauthorized: false };
  if (config.sslMode === "verify-full") return { rejectUnauthorized: true, ca: options.sslCa };
  return undefined;
}
