import "server-only";
import { z } from "zod";
import { listDataSources } from "../../services/datasources/crud";
import { restUser } from "../direct";
import { defineRoute } from "../route";
import { commonFields, insightDatabase } from "./datasource-shapes";
import { syncSchemaAnswer } from "./jobs";

/** InsightEngine's `/databases`: the same data sources as `/datasources`. */
const tag = "databases";

export const databaseRoutes = [
  defineRoute({
    method: "POST", path: "/databases", format: "insight", auth: "user", procedure: "datasources.create", tag,
    summary: "Register a database connection (admin)", successStatus: 201,
    body: z.object({
      ...commonFields,
      database: z.string({ error: "database is required" }).trim().min(1, "database is required").max(1024),
      ssl: z.boolean().optional(),
      password_encrypted: z.boolean().optional(),
    }),
    async handle({ caller, body }) {
      const ds = await caller.datasources.create({
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
    async handle({ session }) {
      const list = await listDataSources(restUser(session));
      return { body: { databases: list.map(insightDatabase), total: list.length } };
    },
  }),
  defineRoute({
    method: "GET", path: "/databases/:id", format: "insight", auth: "user", procedure: "datasources.get", tag,
    summary: "A database and its (cached) schema",
    async handle({ caller, params }) {
      const ds = await caller.datasources.get({ id: params.id! });
      const schema = ds.lastSyncedAt ? (await caller.datasources.schema({ id: ds.id })).schema : null;
      return { body: { ...insightDatabase(ds), schema } };
    },
  }),
  defineRoute({
    method: "POST", path: "/databases/:id/test-connection", format: "insight", auth: "user", procedure: "datasources.testConnection", tag,
    summary: "Test the connection",
    async handle({ caller, params }) {
      const t = await caller.datasources.testConnection({ id: params.id! });
      return { body: { success: t.ok, message: t.ok ? "Connected successfully" : t.message, latency_ms: t.latencyMs, version: t.version, warnings: t.warnings } };
    },
  }),
  defineRoute({
    method: "POST", path: "/databases/:id/sync-schema", format: "insight", auth: "user", procedure: "datasources.requestSync", tag,
    summary: "Queue a schema re-read; poll GET /jobs/:job_id for its end",
    async handle({ caller, params }) {
      const job = await caller.datasources.requestSync({ id: params.id! });
      return { body: syncSchemaAnswer(job) };
    },
  }),
  defineRoute({
    method: "DELETE", path: "/databases/:id", format: "insight", auth: "user", procedure: "datasources.remove", tag,
    summary: "Remove a database connection (admin)",
    async handle({ caller, params }) {
      return { body: await caller.datasources.remove({ id: params.id! }) };
    },
  }),
];
