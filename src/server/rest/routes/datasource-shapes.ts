import "server-only";
import { z } from "zod";
import type { dataSourceDto } from "../../dto/datasources";
import { engineSchema, sslModeSchema } from "../../services/datasources/engines";

/**
 * The one data-source entity behind `/datasources` (QueryBase), `/databases`
 * (InsightEngine) and `/connections` (ETL Builder): the fields each document uses, and
 * shapers from the data-source DTO to each document's spelling.
 */
export type DataSourceDto = z.infer<typeof dataSourceDto>;

export const restEngine = engineSchema;
const port = z.coerce.number().int().min(1).max(65535);
const optionalText = (max: number) => z.string().trim().max(max).optional();

export const commonFields = {
  name: z.string({ error: "name is required" }).trim().min(1, "name is required").max(120),
  type: restEngine,
  host: optionalText(255),
  port: port.optional(),
  username: optionalText(255),
  password: z.string().max(1024).optional(),
  description: optionalText(2000),
  require_two_approvals: z.boolean().optional(),
  backup_before_commit: z.boolean().optional(),
  /** PostgreSQL: reads run as this role (`SET LOCAL ROLE`); null clears it. */
  read_role: z.string().trim().max(63).nullable().optional(),
};

/** QueryBase and InsightEngine spell the engine `postgresql`; ETL Builder `postgres`. */
export const longEngineName = (engine: string) => (engine === "postgres" ? "postgresql" : engine);

export const sslModeField = sslModeSchema.optional();

export function etlStatus(status: string): string {
  return status === "error" ? "error" : "active";
}

const text = z.string();
const nullableText = z.string().nullable();

export const restQueryBaseDataSource = z.object({
  id: text, name: text, type: text, host: text, port: z.number().nullable(), database_name: text, username: text,
  ssl_mode: text, description: text, is_demo: z.boolean(), require_two_approvals: z.boolean(), backup_before_commit: z.boolean(),
  read_role: nullableText, warnings: z.array(text), status: text, last_health_check: nullableText, last_synced: nullableText,
  server_version: nullableText, created_at: text, updated_at: text,
  permissions: z.object({ can_read: z.boolean(), can_write: z.boolean(), can_approve: z.boolean() }),
});

export function queryBaseDataSource(ds: DataSourceDto): z.infer<typeof restQueryBaseDataSource> {
  return {
    id: ds.id,
    name: ds.name,
    type: longEngineName(ds.engine),
    host: ds.host,
    port: ds.port,
    database_name: ds.database,
    username: ds.username,
    ssl_mode: ds.sslMode,
    description: ds.description,
    is_demo: ds.isDemo,
    require_two_approvals: ds.twoApprovalsForHighRisk,
    backup_before_commit: ds.backupBeforeCommit,
    read_role: ds.readRole,
    warnings: ds.warnings,
    status: ds.status,
    last_health_check: ds.lastCheckedAt,
    last_synced: ds.lastSyncedAt,
    server_version: ds.serverVersion,
    created_at: ds.createdAt,
    updated_at: ds.updatedAt,
    permissions: { can_read: ds.access.canRead, can_write: ds.access.canWrite, can_approve: ds.access.canApprove },
  };
}

export const restInsightDatabase = z.object({
  id: text, name: text, type: text, host: text, port: z.number().nullable(), database: text, username: text, ssl: z.boolean(),
  description: text, read_role: nullableText, warnings: z.array(text), status: text, tables_count: z.number().nullable(),
  last_synced: nullableText, created_at: text, updated_at: text,
});

export function insightDatabase(ds: DataSourceDto): z.infer<typeof restInsightDatabase> {
  return {
    id: ds.id,
    name: ds.name,
    type: longEngineName(ds.engine),
    host: ds.host,
    port: ds.port,
    database: ds.database,
    username: ds.username,
    ssl: ds.sslMode !== "disable",
    description: ds.description,
    read_role: ds.readRole,
    warnings: ds.warnings,
    status: ds.status,
    tables_count: ds.tablesCount,
    last_synced: ds.lastSyncedAt,
    created_at: ds.createdAt,
    updated_at: ds.updatedAt,
  };
}

export const restEtlConnection = z.object({
  id: text, name: text, type: text, description: text, status: text, last_tested_at: nullableText,
  config: z.object({ host: text, port: z.number().nullable(), database: text, username: text, ssl_mode: text, read_role: nullableText }),
  warnings: z.array(text), created_at: text, updated_at: text,
});

export function etlConnection(ds: DataSourceDto): z.infer<typeof restEtlConnection> {
  return {
    id: ds.id,
    name: ds.name,
    type: ds.engine,
    description: ds.description,
    status: etlStatus(ds.status),
    last_tested_at: ds.lastCheckedAt,
    config: { host: ds.host, port: ds.port, database: ds.database, username: ds.username, ssl_mode: ds.sslMode, read_role: ds.readRole },
    warnings: ds.warnings,
    created_at: ds.createdAt,
    updated_at: ds.updatedAt,
  };
}

/** The answers every data-source document shares: a plain message, a test result. */
export const restMessage = z.object({ message: text });
