import "server-only";
import { z } from "zod";
import { toJobDto } from "../../dto/jobs";
import { schemaTableDto, toSchemaDto } from "../../dto/datasources";
import { createDataSource, deleteDataSource, getDataSource, listDataSources } from "../../services/datasources/crud";
import { requestSchemaSync } from "../../services/datasources/request-sync";
import { cachedSchema, testDataSource } from "../../services/datasources/status";
import { defineRoute } from "../route";
import { commonFields, insightDatabase, restInsightDatabase, restMessage } from "./datasource-shapes";
import { restSyncSchemaAnswer, syncSchemaAnswer } from "./jobs";

const withSchema = restInsightDatabase.extend({ schema: z.object({ tables: z.array(schemaTableDto) }).nullable() });

/** InsightEngine's `/databases`: the same data sources as `/datasources`. */
const tag = "databases";

export const databaseRoutes = [
  defineRoute({
    method: "POST", path: "/databases", format: "insight", auth: "user", procedure: "datasources.create", tag,
    summary: "Register a database connection (admin)", successStatus: 201, response: restInsightDatabase,
    body: z.object({
      ...commonFields,
      database: z.string({ error: "database is required" }).trim().min(1, "database is required").max(1024),
      ssl: z.boolean().optional(),
      password_encrypted: z.boolean().optional(),
    }),
    async handle({ principal, body }) {
      const ds = await createDataSource(principal, {
        name: body.name, engine: body.type, host: body.host, port: body.port, database: body.database,
        username: body.username, password: body.password, sslMode: body.ssl ? "require" : "disable", description: body.description,
        readRole: body.read_role,
      });
      return { body: insightDatabase(ds) };
    },
  }),
  defineRoute({
    method: "GET", path: "/databases", format: "insight", auth: "user", procedure: "datasources.list", tag,
    summary: "Databases the caller may read",
    response: z.object({ databases: z.array(restInsightDatabase), total: z.number() }),
    async handle({ principal }) {
      const list = await listDataSources(principal);
      return { body: { databases: list.map(insightDatabase), total: list.length } };
    },
  }),
  defineRoute({
    method: "GET", path: "/databases/:id", format: "insight", auth: "user", procedure: "datasources.get", tag,
    summary: "A database and its (cached) schema", response: withSchema,
    async handle({ principal, params }) {
      const ds = await getDataSource(principal, params.id!);
      const schema = ds.lastSyncedAt ? toSchemaDto((await cachedSchema(principal, ds.id)).schema) : null;
      return { body: { ...insightDatabase(ds), schema } };
    },
  }),
  defineRoute({
    method: "POST", path: "/databases/:id/test-connection", format: "insight", auth: "user", procedure: "datasources.testConnection", tag,
    summary: "Test the connection",
    response: z.object({ success: z.boolean(), message: z.string(), latency_ms: z.number(), version: z.string(), warnings: z.array(z.string()) }),
    async handle({ principal, params }) {
      const t = await testDataSource(principal, params.id!);
      return { body: { success: t.ok, message: t.ok ? "Connected successfully" : t.message, latency_ms: t.latencyMs, version: t.version, warnings: t.warnings } };
    },
  }),
  defineRoute({
    method: "POST", path: "/databases/:id/sync-schema", format: "insight", auth: "user", procedure: "datasources.requestSync", tag,
    summary: "Queue a schema re-read; poll GET /jobs/:job_id for its end", response: restSyncSchemaAnswer,
    async handle({ principal, params }) {
      const job = toJobDto(await requestSchemaSync(principal, params.id!));
      return { body: syncSchemaAnswer(job) };
    },
  }),
  defineRoute({
    method: "DELETE", path: "/databases/:id", format: "insight", auth: "user", procedure: "datasources.remove", tag,
    summary: "Remove a database connection (admin)", response: restMessage,
    async handle({ principal, params }) {
      await deleteDataSource(principal, params.id!);
      return { body: { message: "Data source deleted successfully" } };
    },
  }),
];
