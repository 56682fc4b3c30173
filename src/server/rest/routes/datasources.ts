import "server-only";
import { z } from "zod";
import { createDataSource, deleteDataSource, getDataSource, listDataSources, updateDataSource } from "../../services/datasources/crud";
import { cachedSchema, dataSourceHealth, syncSchema, testDataSource } from "../../services/datasources/status";
import { defineRoute } from "../route";
import { commonFields, longEngineName, queryBaseDataSource, restMessage, restQueryBaseDataSource, sslModeField } from "./datasource-shapes";

const text = z.string();
const testAnswer = z.object({
  success: z.boolean(), message: text, latency_ms: z.number().optional(), version: text.optional(), warnings: z.array(text),
  error: text.optional(), details: text.optional(),
});
const schemaColumn = z.object({
  name: text, type: text, nullable: z.boolean(), primary_key: z.boolean(),
  column_name: text, data_type: text, is_nullable: z.boolean(), is_primary_key: z.boolean(), is_foreign_key: z.boolean(),
  column_default: text.nullable(),
});
const schemaTable = z.object({
  table_name: text, table_type: text, schema_name: text.nullable(), schema: text.nullable(), approx_row_count: z.number().nullable(),
  columns: z.array(schemaColumn),
  foreign_keys: z.array(z.object({ columns: z.array(text), referenced_table: text, referenced_columns: z.array(text) })),
});

/** QueryBase's `/datasources`. */
const createBody = z.object({
  ...commonFields,
  database_name: z.string().trim().min(1).max(1024).optional(),
  database: z.string().trim().min(1).max(1024).optional(),
  ssl_mode: sslModeField,
}).refine((b) => b.database_name ?? b.database, { message: "database_name is required", path: ["database_name"] });

const updateBody = z.object({
  ...commonFields,
  name: commonFields.name.optional(),
  type: commonFields.type.optional(),
  database_name: z.string().trim().min(1).max(1024).optional(),
  database: z.string().trim().min(1).max(1024).optional(),
  ssl_mode: sslModeField,
  password: z.string().max(1024).nullable().optional(),
});

const tag = "datasources";

export const dataSourceRoutes = [
  defineRoute({
    method: "GET", path: "/datasources", format: "querybase", auth: "user", procedure: "datasources.list", tag,
    summary: "Data sources the caller may read, with their permissions",
    response: z.object({ data: z.array(restQueryBaseDataSource), data_sources: z.array(restQueryBaseDataSource) }),
    async handle({ principal }) {
      const list = await listDataSources(principal);
      const shaped = list.map(queryBaseDataSource);
      // `data` is the document's key; QueryBase's real frontend reads `data_sources`.
      return { body: { data: shaped, data_sources: shaped }, paging: { page: 1, pageSize: Math.max(list.length, 1), total: list.length } };
    },
  }),
  defineRoute({
    method: "POST", path: "/datasources", format: "querybase", auth: "user", procedure: "datasources.create", tag,
    summary: "Register a data source (admin); the password is stored encrypted and never returned",
    body: createBody, successStatus: 201, response: restQueryBaseDataSource,
    async handle({ principal, body }) {
      const ds = await createDataSource(principal, {
        name: body.name, engine: body.type, host: body.host, port: body.port, database: (body.database_name ?? body.database)!,
        username: body.username, password: body.password, sslMode: body.ssl_mode, description: body.description,
        twoApprovalsForHighRisk: body.require_two_approvals, backupBeforeCommit: body.backup_before_commit,
        readRole: body.read_role,
      });
      return { body: queryBaseDataSource(ds) };
    },
  }),
  defineRoute({
    method: "GET", path: "/datasources/:id", format: "querybase", auth: "user", procedure: "datasources.get", tag,
    summary: "One data source", response: restQueryBaseDataSource,
    async handle({ principal, params }) {
      return { body: queryBaseDataSource(await getDataSource(principal, params.id!)) };
    },
  }),
  defineRoute({
    method: "PUT", path: "/datasources/:id", format: "querybase", auth: "user", procedure: "datasources.update", tag,
    summary: "Change a data source (admin); omit password to keep it, send null to clear it",
    body: updateBody, response: restQueryBaseDataSource,
    async handle({ principal, params, body }) {
      const ds = await updateDataSource(principal, params.id!, {
        name: body.name, engine: body.type, host: body.host, port: body.port, database: body.database_name ?? body.database,
        username: body.username, password: body.password, sslMode: body.ssl_mode, description: body.description,
        twoApprovalsForHighRisk: body.require_two_approvals, backupBeforeCommit: body.backup_before_commit,
        readRole: body.read_role,
      });
      return { body: queryBaseDataSource(ds) };
    },
  }),
  defineRoute({
    method: "DELETE", path: "/datasources/:id", format: "querybase", auth: "user", procedure: "datasources.remove", tag,
    summary: "Delete a data source (admin)", response: restMessage,
    async handle({ principal, params }) {
      await deleteDataSource(principal, params.id!);
      return { body: { message: "Data source deleted successfully" } };
    },
  }),
  defineRoute({
    method: "POST", path: "/datasources/:id/test", format: "querybase", auth: "user", procedure: "datasources.testConnection", tag,
    summary: "Test the connection: 200 with latency, or 400 with the reason",
    response: testAnswer, otherResponses: { 400: { description: "The connection failed: success false and the reason", schema: testAnswer } },
    async handle({ principal, params }) {
      const t = await testDataSource(principal, params.id!);
      return t.ok
        ? { body: { success: true, message: t.message, latency_ms: t.latencyMs, version: t.version, warnings: t.warnings } }
        : { status: 400, body: { success: false, message: `Connection failed: ${t.message}`, error: "bad request", details: t.message, warnings: t.warnings } };
    },
  }),
  defineRoute({
    method: "GET", path: "/datasources/:id/health", format: "querybase", auth: "user", procedure: "datasources.health", tag,
    summary: "Health from a check at most 30 s old",
    response: z.object({ data_source_id: text, status: z.enum(["healthy", "unhealthy"]), last_check: text, latency_ms: z.number().nullable(), error: text.nullable(), warnings: z.array(text) }),
    async handle({ principal, params }) {
      const h = await dataSourceHealth(principal, params.id!);
      return { body: { data_source_id: params.id, status: h.status, last_check: h.lastCheck, latency_ms: h.latencyMs, error: h.error, warnings: h.warnings } };
    },
  }),
  defineRoute({
    method: "GET", path: "/datasources/:id/schema", format: "querybase", auth: "user", procedure: "datasources.schema", tag,
    summary: "Tables and columns (cached; `table_name` filters)",
    query: z.object({ table_name: z.string().optional() }),
    response: z.object({
      data_source_id: text, schema: z.array(schemaTable), tables: z.array(schemaTable),
      data_source_name: text, database_type: text, database_name: text, last_synced: text,
    }),
    async handle({ principal, params, query }) {
      const { schema, lastSynced } = await cachedSchema(principal, params.id!);
      const ds = await getDataSource(principal, params.id!);
      const tables = (query.table_name ? schema.tables.filter((t) => t.name === query.table_name) : schema.tables).map((t) => {
        const foreign = new Set(t.foreignKeys.flatMap((fk) => fk.columns));
        return {
          table_name: t.name,
          table_type: t.type,
          schema_name: t.schema ?? null,
          // QueryBase's real frontend reads `schema` (the table's schema name) ...
          schema: t.schema ?? null,
          approx_row_count: t.approxRowCount,
          // ... and `column_name`/`data_type`/`is_nullable`/`is_primary_key`/`is_foreign_key` beside the document's names.
          columns: t.columns.map((c) => ({
            name: c.name, type: c.type, nullable: c.nullable, primary_key: c.primaryKey,
            column_name: c.name, data_type: c.type, is_nullable: c.nullable, is_primary_key: c.primaryKey,
            is_foreign_key: foreign.has(c.name), column_default: c.default ?? null,
          })),
          foreign_keys: t.foreignKeys.map((fk) => ({ columns: fk.columns, referenced_table: fk.referencedTable, referenced_columns: fk.referencedColumns })),
        };
      });
      return {
        body: {
          data_source_id: params.id,
          // The document's list of tables ...
          schema: tables,
          // ... and the real frontend's `{tables: [...]}` body, beside it.
          tables,
          data_source_name: ds.name,
          database_type: longEngineName(ds.engine),
          database_name: ds.database,
          last_synced: lastSynced,
        },
      };
    },
  }),
  defineRoute({
    method: "POST", path: "/datasources/:id/sync", format: "querybase", auth: "user", procedure: "datasources.sync", tag,
    summary: "Re-read the database's schema now",
    response: z.object({ message: text, status: z.literal("completed"), tables_count: z.number(), last_synced: text }),
    async handle({ principal, params }) {
      const { schema, lastSynced } = await syncSchema(principal, params.id!);
      return { body: { message: "Schema synchronized", status: "completed", tables_count: schema.tables.length, last_synced: lastSynced } };
    },
  }),
];
