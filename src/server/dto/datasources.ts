import "server-only";
import { z } from "zod";
import type { SchemaSnapshot, SchemaTable } from "../connectors/types";
import { ENGINES, engineSchema, sslModeSchema } from "../services/datasources/engines";

export const readRoleInput = z.string().trim().max(63, "a PostgreSQL role name has at most 63 characters").nullable().optional();

export const accessDto = z.object({ canRead: z.boolean(), canWrite: z.boolean(), canApprove: z.boolean() });

export const dataSourceDto = z.object({
  id: z.string(),
  name: z.string(),
  engine: z.enum(ENGINES),
  host: z.string(),
  port: z.number().nullable(),
  database: z.string(),
  username: z.string(),
  sslMode: z.string(),
  description: z.string(),
  isDemo: z.boolean(),
  hasPassword: z.boolean(),
  twoApprovalsForHighRisk: z.boolean(),
  backupBeforeCommit: z.boolean(),
  readRole: z.string().nullable(),
  warnings: z.array(z.string()),
  status: z.string(),
  lastCheckedAt: z.string().nullable(),
  lastError: z.string().nullable(),
  latencyMs: z.number().nullable(),
  serverVersion: z.string().nullable(),
  lastSyncedAt: z.string().nullable(),
  tablesCount: z.number().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  access: accessDto,
});

export const dataSourceInput = z.object({
  name: z.string().trim().min(1, "name is required").max(120),
  engine: engineSchema,
  host: z.string().trim().max(255).optional(),
  port: z.number().int().min(1).max(65535).nullable().optional(),
  database: z.string().trim().min(1, "database is required").max(1024),
  username: z.string().trim().max(255).optional(),
  password: z.string().max(1024).nullable().optional(),
  sslMode: sslModeSchema.optional(),
  description: z.string().max(2000).optional(),
  twoApprovalsForHighRisk: z.boolean().optional(),
  backupBeforeCommit: z.boolean().optional(),
  /** PostgreSQL only; null or "" reads as the login. */
  readRole: readRoleInput,
});

export const idInput = z.object({ id: z.string().min(1).max(100) });

export const schemaColumnDto = z.object({
  name: z.string(),
  type: z.string(),
  nullable: z.boolean(),
  primaryKey: z.boolean(),
  default: z.string().nullable().optional(),
});

export const schemaTableDto = z.object({
  schema: z.string().optional(),
  name: z.string(),
  type: z.enum(["table", "view"]),
  columns: z.array(schemaColumnDto),
  primaryKey: z.array(z.string()),
  foreignKeys: z.array(
    z.object({ columns: z.array(z.string()), referencedTable: z.string(), referencedColumns: z.array(z.string()) }),
  ),
  approxRowCount: z.number().nullable(),
});

export const cachedSchemaDto = z.object({
  schema: z.object({ tables: z.array(schemaTableDto) }),
  lastSynced: z.string(),
});

export type SchemaTableDto = z.infer<typeof schemaTableDto>;

/**
 * A cached table as clients see it: view definitions, referenced schemas and the
 * function list stay server-side (masking lineage uses them).
 */
export const toSchemaTableDto = (t: SchemaTable): SchemaTableDto => ({
  ...(t.schema !== undefined ? { schema: t.schema } : {}),
  name: t.name,
  type: t.type,
  columns: t.columns.map((c) => ({
    name: c.name,
    type: c.type,
    nullable: c.nullable,
    primaryKey: c.primaryKey,
    ...(c.default !== undefined ? { default: c.default } : {}),
  })),
  primaryKey: t.primaryKey,
  foreignKeys: t.foreignKeys.map((fk) => ({
    columns: fk.columns,
    referencedTable: fk.referencedTable,
    referencedColumns: fk.referencedColumns,
  })),
  approxRowCount: t.approxRowCount,
});

export const toSchemaDto = (snapshot: SchemaSnapshot): { tables: SchemaTableDto[] } => ({
  tables: snapshot.tables.map(toSchemaTableDto),
});

/** A connection test's answer (of a saved source or of settings not saved yet). */
export const connectionTestDto = z.object({
  ok: z.boolean(),
  message: z.string(),
  latencyMs: z.number(),
  version: z.string(),
  checkedAt: z.string(),
  warnings: z.array(z.string()),
});
