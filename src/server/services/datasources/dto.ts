import "server-only";
import type { DataSource } from "@prisma/client";
import type { Access } from "../access";
import type { EngineName } from "./engines";

/** A data source as APIs show it: never the secret, only whether one is set. */
export interface DataSourceView {
  id: string;
  name: string;
  engine: EngineName;
  host: string;
  port: number | null;
  database: string;
  username: string;
  sslMode: string;
  description: string;
  isDemo: boolean;
  hasPassword: boolean;
  twoApprovalsForHighRisk: boolean;
  backupBeforeCommit: boolean;
  /** PostgreSQL: the role reads run as (`SET LOCAL ROLE`); null = as the login. */
  readRole: string | null;
  /** Risks found by the last connection test, e.g. "connects as a superuser: postgres". */
  warnings: string[];
  status: string;
  lastCheckedAt: string | null;
  lastError: string | null;
  latencyMs: number | null;
  serverVersion: string | null;
  lastSyncedAt: string | null;
  tablesCount: number | null;
  createdAt: string;
  updatedAt: string;
  access: Access;
}

export function toDataSourceView(row: DataSource, access: Access): DataSourceView {
  return {
    id: row.id,
    name: row.name,
    engine: row.engine as EngineName,
    host: row.host,
    port: row.port,
    database: row.database,
    username: row.username,
    sslMode: row.sslMode,
    description: row.description,
    isDemo: row.isDemo,
    hasPassword: !!row.encryptedSecret,
    twoApprovalsForHighRisk: row.twoApprovalsForHighRisk,
    backupBeforeCommit: row.backupBeforeCommit,
    readRole: row.readRole,
    warnings: storedWarnings(row.connectionWarnings),
    status: row.status,
    lastCheckedAt: row.lastCheckedAt?.toISOString() ?? null,
    lastError: row.lastError,
    latencyMs: row.latencyMs,
    serverVersion: row.serverVersion,
    lastSyncedAt: row.lastSyncedAt?.toISOString() ?? null,
    tablesCount: tablesCountOf(row),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    access,
  };
}

export function storedWarnings(json: string | null): string[] {
  if (!json) return [];
  try {
    const parsed = JSON.parse(json) as unknown;
    return Array.isArray(parsed) ? parsed.filter((w): w is string => typeof w === "string") : [];
  } catch {
    return [];
  }
}

/** Rows come from the data source cache (crud.ts) and are shared: count a schema once per row. */
const counted = new WeakMap<DataSource, number | null>();

function tablesCountOf(row: DataSource): number | null {
  let count = counted.get(row);
  if (count === undefined) {
    count = tablesCount(row.schemaCache);
    counted.set(row, count);
  }
  return count;
}

function tablesCount(cache: string | null): number | null {
  if (!cache) return null;
  try {
    return (JSON.parse(cache) as { tables: unknown[] }).tables.length;
  } catch {
    return null;
  }
}
