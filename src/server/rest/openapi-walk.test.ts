import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetConfigForTests } from "@/server/config";
import { demoDatabaseFile, grant } from "@/test/fixtures";
import { rest, signedInUser } from "@/test/rest-client";
import { openApiDocument } from "./openapi";

/**
 * The OpenAPI walker: sends a real request to every operation of the document (with
 * real ids where the path names one, a real body where one is given below, else `{}`)
 * and validates each real answer against the document: its status must be declared,
 * and its JSON body must match that status's schema. It is the check a validating
 * proxy would make, run in-process.
 */
type Doc = ReturnType<typeof openApiDocument>;
interface Operation {
  operationId: string;
  responses: Record<string, { content?: Record<string, { schema?: object }> }>;
}

const doc: Doc = openApiDocument();
const ajv = new Ajv2020({ strict: false, validateSchema: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(doc as object, "openapi");
const pointer = (...parts: string[]) => parts.map((p) => p.replaceAll("~", "~0").replaceAll("/", "~1")).join("/");

let admin: Awaited<ReturnType<typeof signedInUser>>;
const ids: Record<string, string> = {};

beforeAll(async () => {
  process.env.QUARRY_RATE_LIMIT_PER_MINUTE = "1000000";
  process.env.QUARRY_QUERY_RATE_LIMIT_PER_MINUTE = "1000000";
  process.env.QUARRY_WEBHOOK_ALLOW_PRIVATE = "true";
  resetConfigForTests();
  admin = await signedInUser("admin");
  const analyst = await signedInUser("analyst");
  const spare = await signedInUser("viewer");
  ids.user = spare.user.id;
  const ds = await rest("POST", "/datasources", { token: admin.token, body: { name: `walk-${Date.now()}`, type: "sqlite", database_name: demoDatabaseFile() } });
  ids.ds = ds.body.id;
  await grant(analyst.user.id, ids.ds!, { canRead: true, canWrite: true });
  const run = await rest("POST", "/queries", { token: admin.token, body: { data_source_id: ids.ds, query_text: "SELECT id, name FROM products" } });
  ids.query = run.body.id;
  const write = await rest("POST", "/queries", { token: analyst.token, body: { data_source_id: ids.ds, query_text: "UPDATE products SET stock = stock + 1 WHERE id = 2" } });
  ids.approval = write.body.approval_id;
  const saved = await rest("POST", "/saved-queries", { token: admin.token, body: { title: "walk", sql: "SELECT 1", database_id: ids.ds } });
  ids.saved = saved.body.id;
  const group = await rest("POST", "/groups", { token: admin.token, body: { name: `walk-${Date.now()}` } });
  ids.group = group.body.id;
  const template = await rest("POST", "/templates", { token: admin.token, body: { title: "walk", sql: "SELECT * FROM products WHERE id = {{id}}", parameters: [{ name: "id", type: "number" }] } });
  ids.template = template.body.id;
  const hook = await rest("POST", "/webhooks", { token: admin.token, body: { url: "http://127.0.0.1:9/hook", events: ["query.completed"] } });
  ids.webhook = hook.body.id;
  const schedule = await rest("POST", "/schedules", { token: admin.token, body: { query_id: ids.saved, frequency: "daily", time: "08:00" } });
  ids.schedule = schedule.body.id;
  for (const [key, value] of Object.entries(ids)) if (!value) throw new Error(`fixture ${key} was not created`);
});
afterAll(() => {
  delete process.env.QUARRY_RATE_LIMIT_PER_MINUTE;
  delete process.env.QUARRY_QUERY_RATE_LIMIT_PER_MINUTE;
  delete process.env.QUARRY_WEBHOOK_ALLOW_PRIVATE;
  resetConfigForTests();
});

/** A real value for a path parameter, by the path it is in. */
function paramValue(path: string, name: string, method: string): string {
  // Deletes get ids that exist nowhere: the walk must not remove its own fixtures.
  if (method === "delete") return "nonexistent";
  if (name === "table_name") return "products";
  if (name === "column_name") return "name";
  const segment = path.split("/")[3];
  const bySegment: Record<string, string | undefined> = {
    datasources: ids.ds, databases: ids.ds, connections: ids.ds, permissions: ids.ds,
    queries: ids.query, query: ids.query, "saved-queries": ids.saved,
    approvals: ids.approval, transactions: ids.approval,
    groups: ids.group, auth: ids.user, admin: ids.user, team: ids.user,
    templates: ids.template, webhooks: ids.webhook, schedules: ids.schedule,
  };
  return bySegment[segment ?? ""] ?? "nonexistent";
}

/** Bodies that reach the success path, by operation id; every other operation gets `{}`. */
const bodies = (): Record<string, unknown> => ({
  post_queries: { data_source_id: ids.ds, query_text: "SELECT id FROM products LIMIT 3" },
  post_queries_execute: { sql: "SELECT id FROM products LIMIT 3", database_id: ids.ds },
  post_queries_validate: { sql: "SELECT id FROM products", database_id: ids.ds },
  post_query: { sql: "SELECT id FROM products LIMIT 3", connection_id: ids.ds },
  post_query_validate: { sql: "SELECT id FROM products", connection_id: ids.ds },
  post_queries_save: { data_source_id: ids.ds, query_text: "SELECT 1", name: "walk save" },
  post_saved_queries: { title: "walk 2", sql: "SELECT 2" },
  put_saved_queries_id: { title: "walk renamed" },
  post_datasources: { name: `walk-qb-${Date.now()}`, type: "sqlite", database_name: demoDatabaseFile() },
  post_databases: { name: `walk-ie-${Date.now()}`, type: "sqlite", database: demoDatabaseFile() },
  post_connections: { name: `walk-etl-${Date.now()}`, type: "sqlite", config: { database: demoDatabaseFile() } },
  put_datasources_id: { description: "walked" },
  put_connections_connection_id: { description: "walked" },
  post_groups: { name: `walk-g-${Date.now()}` },
  put_groups_id: { description: "walked" },
  post_templates_id_run: { database_id: ids.ds, parameters: { id: 1 } },
  post_templates_id_clone: { title: "walk clone" },
  put_templates_id: { description: "walked" },
  put_schedules_id: { active: false },
  post_search: { q: "walk" },
  put_settings: { theme: "dark" },
  post_approvals_id_review: { decision: "rejected", comments: "walk" },
});

const order = { get: 0, post: 1, put: 1, patch: 1, delete: 2 } as Record<string, number>;

describe("the OpenAPI document", () => {
  it("has no nested $schema and declares a success schema or download for every operation", () => {
    expect(JSON.stringify(doc)).not.toContain('"$schema"');
    const missing: string[] = [];
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods as Record<string, Operation>)) {
        const success = Object.entries(op.responses).find(([status]) => status.startsWith("2"));
        if (!success?.[1].content) missing.push(`${method.toUpperCase()} ${path}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it("describes every real answer: each operation walked, its status declared, its body valid", async () => {
    const ops = Object.entries(doc.paths)
      .flatMap(([path, methods]) => Object.entries(methods as Record<string, Operation>).map(([method, op]) => ({ path, method, op })))
      .sort((a, b) => order[a.method]! - order[b.method]!);
    const body = bodies();
    const problems: string[] = [];
    let validatedSuccesses = 0;
    for (const { path, method, op } of ops) {
      const url = path.replace("/api/v1", "").replace(/\{([A-Za-z_]+)\}/g, (_, name: string) => paramValue(path, name, method));
      const token = path === "/api/v1/auth/logout" ? (await signedInUser("viewer")).token : admin.token;
      const res = await rest(method.toUpperCase(), url, { token, body: method === "get" ? undefined : (body[op.operationId] ?? {}) });
      const declared = op.responses[String(res.status)];
      if (!declared) {
        problems.push(`${method.toUpperCase()} ${url}: status ${res.status} not declared (${JSON.stringify(res.body).slice(0, 200)})`);
        continue;
      }
      const schema = declared.content?.["application/json"]?.schema;
      if (!schema || typeof res.body !== "object") continue;
      const validate = ajv.getSchema(`openapi#/${pointer("paths", path, method, "responses", String(res.status), "content", "application/json", "schema")}`);
      if (!validate) {
        problems.push(`${method.toUpperCase()} ${path}: schema for ${res.status} did not compile`);
        continue;
      }
      if (!validate(res.body)) {
        problems.push(`${method.toUpperCase()} ${url} ${res.status}: ${ajv.errorsText(validate.errors, { separator: "; " }).slice(0, 400)}`);
      } else if (res.status < 300) {
        validatedSuccesses += 1;
      }
    }
    console.info(`[openapi-walk] ${ops.length} operations walked, ${validatedSuccesses} success bodies validated`);
    expect(problems).toEqual([]);
    // The walk reached the success path of most operations, not only their errors.
    expect(validatedSuccesses).toBeGreaterThanOrEqual(70);
  });
});
