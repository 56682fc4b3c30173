import "server-only";
import { z } from "zod";
import { pageWindow, pagingQuery } from "../pagination";
import { createDataSource, deleteDataSource, getDataSource, listDataSources, updateDataSource } from "../../services/datasources/crud";
import { testDataSource } from "../../services/datasources/status";
import { defineRoute } from "../route";
import { commonFields, etlConnection, restEtlConnection, restMessage, sslModeField } from "./datasource-shapes";

/** ETL Builder's `/connections`: the same data sources, with settings under `config`. */
const configBody = z.object({
  host: commonFields.host,
  port: commonFields.port,
  database: z.string().trim().min(1, "config.database is required").max(1024),
  username: commonFields.username,
  password: z.string().max(1024).nullable().optional(),
  ssl_mode: sslModeField,
  read_role: commonFields.read_role,
});

const tag = "connections";

export const connectionRoutes = [
  defineRoute({
    method: "GET", path: "/connections", format: "etl", auth: "user", procedure: "datasources.list", tag,
    summary: "Connections the caller may read: a bare array, paged by the X-Total-* headers", query: pagingQuery,
    response: z.array(restEtlConnection),
    async handle({ principal, query }) {
      const all = await listDataSources(principal);
      const { page, pageSize, skip } = pageWindow(query, 20);
      const paging = { page, pageSize, total: all.length };
      // ETL Builder's real frontend reads a bare array; the paging is in the X-Total-* headers.
      return { body: all.slice(skip, skip + pageSize).map(etlConnection), paging };
    },
  }),
  defineRoute({
    method: "POST", path: "/connections", format: "etl", auth: "user", procedure: "datasources.create", tag,
    summary: "Create a connection (admin)", successStatus: 201, response: restEtlConnection,
    body: z.object({ name: commonFields.name, type: commonFields.type, description: commonFields.description, config: configBody }),
    async handle({ principal, body }) {
      const ds = await createDataSource(principal, {
        name: body.name, engine: body.type, description: body.description, host: body.config.host, port: body.config.port,
        database: body.config.database, username: body.config.username, password: body.config.password, sslMode: body.config.ssl_mode,
        readRole: body.config.read_role,
      });
      return { body: etlConnection(ds) };
    },
  }),
  defineRoute({
    method: "GET", path: "/connections/:connection_id", format: "etl", auth: "user", procedure: "datasources.get", tag,
    summary: "One connection", response: restEtlConnection,
    async handle({ principal, params }) {
      return { body: etlConnection(await getDataSource(principal, params.connection_id!)) };
    },
  }),
  defineRoute({
    method: "PUT", path: "/connections/:connection_id", format: "etl", auth: "user", procedure: "datasources.update", tag,
    summary: "Change a connection (admin)", response: restEtlConnection,
    body: z.object({
      name: commonFields.name.optional(), type: commonFields.type.optional(), description: commonFields.description,
      config: configBody.partial().optional(),
    }),
    async handle({ principal, params, body }) {
      const c = body.config ?? {};
      const ds = await updateDataSource(principal, params.connection_id!, {
        name: body.name, engine: body.type, description: body.description, host: c.host, port: c.port,
        database: c.database, username: c.username, password: c.password, sslMode: c.ssl_mode,
        readRole: c.read_role,
      });
      return { body: etlConnection(ds) };
    },
  }),
  defineRoute({
    method: "DELETE", path: "/connections/:connection_id", format: "etl", auth: "user", procedure: "datasources.remove", tag,
    summary: "Delete a connection (admin)", response: restMessage,
    async handle({ principal, params }) {
      await deleteDataSource(principal, params.connection_id!);
      return { body: { message: "Data source deleted successfully" } };
    },
  }),
  defineRoute({
    method: "POST", path: "/connections/:connection_id/test", format: "etl", auth: "user", procedure: "datasources.testConnection", tag,
    summary: "Test a connection",
    response: z.object({
      success: z.boolean(), status: z.enum(["success", "failed"]), message: z.string(),
      details: z.object({ latency_ms: z.number(), version: z.string() }), warnings: z.array(z.string()),
    }),
    async handle({ principal, params }) {
      const t = await testDataSource(principal, params.connection_id!);
      return {
        body: {
          success: t.ok,
          status: t.ok ? "success" : "failed",
          message: t.ok ? "Connection successful" : t.message,
          details: { latency_ms: t.latencyMs, version: t.version },
          warnings: t.warnings,
        },
      };
    },
  }),
];
