import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { db } from "@/server/db";
import { isAppError } from "@/server/errors";
import { userPrincipal } from "@/server/services/principal";
import { runAutoGuess } from "@/server/services/dictionary/auto-guess";
import { demoDatabaseFile, grant } from "@/test/fixtures";
import { startOpenAiServer, type OpenAiTestServer } from "@/test/openai-server";
import { rest, signedInUser } from "@/test/rest-client";
import { askQuestion } from "./ask";

/**
 * The model-provider path against an OpenAI-compatible server started here on
 * loopback: real HTTP through the real `ai` SDK client. Checks the key handling, the
 * prompt (no unmasked personal data), validation and the retry, token accounting, and
 * failures (401, timeout, malformed output) as clear errors.
 */
let server: OpenAiTestServer;
let dsId = "";
let providerId = "";
const u = {} as Record<"admin" | "reader", Awaited<ReturnType<typeof signedInUser>>>;
const SECRET = "sk-test-very-secret-key";

beforeAll(async () => {
  server = await startOpenAiServer();
  dsId = (await db.dataSource.create({ data: { name: `prov-${Math.random().toString(36).slice(2)}`, engine: "sqlite", database: demoDatabaseFile(0.01) } })).id;
  u.admin = await signedInUser("admin");
  u.reader = await signedInUser("analyst");
  await grant(u.reader.user.id, dsId, { canRead: true });
  // sampled values (masked where personal) are what a prompt may carry
  await runAutoGuess(userPrincipal(u.admin.user), { dataSourceId: dsId, tables: ["customers", "orders"] }, async () => undefined);
  const created = await rest("POST", "/ai-providers", {
    token: u.admin.token,
    body: { provider: "openai-compatible", model: "local-sql-1", base_url: server.baseUrl, api_key: SECRET, is_default: true, context_window: 128, timeout_ms: 1500 },
  });
  expect(created.status).toBe(201);
  providerId = created.body.id;
});
afterAll(() => server.close());
beforeEach(() => server?.reset());

const ask = (question: string, who = u.reader) => askQuestion(userPrincipal(who.user), { question, dataSourceId: dsId, engine: "provider" });

describe("provider configuration", () => {
  it("stores the key encrypted and never returns it", async () => {
    const list = await rest("GET", "/ai-providers", { token: u.reader.token });
    expect(list.status).toBe(200);
    expect(JSON.stringify(list.body)).not.toContain(SECRET);
    expect(list.body.providers[0]).toMatchObject({ id: providerId, model: "local-sql-1", has_api_key: true, is_default: true });
    const row = await db.aiProvider.findUniqueOrThrow({ where: { id: providerId } });
    expect(row.encryptedApiKey).toBeTruthy();
    expect(row.encryptedApiKey).not.toContain(SECRET);
    expect((await rest("POST", "/ai-providers", { token: u.reader.token, body: { provider: "openai", model: "x" } })).status).toBe(403);
    const bad = await rest("POST", "/ai-providers", { token: u.admin.token, body: { provider: "openai-compatible", model: "x" } });
    expect(bad.status).toBe(422);
  });

  it("reports model and latency from a test call, sending the key as a bearer token", async () => {
    server.script({ content: "OK" });
    const res = await rest("POST", `/ai-providers/${providerId}/test`, { token: u.admin.token });
    expect(res.body).toMatchObject({ success: true, model: "local-sql-1" });
    expect(res.body.latency_ms).toBeGreaterThanOrEqual(0);
    expect(server.requests.at(-1)!.authorization).toBe(`Bearer ${SECRET}`);
    expect(server.requests.at(-1)!.path).toBe("/v1/chat/completions");
  });
});

describe("asking through the provider", () => {
  it("sends only the relevant, masked slice of the dictionary and runs the SQL through the read path", async () => {
    server.script({ content: "```sql\nSELECT COUNT(*) AS n FROM orders WHERE status = 'cancelled';\n```", usage: { prompt_tokens: 321, completion_tokens: 17 } });
    const a = await ask("How many cancelled orders are there?");
    expect(a).toMatchObject({ engine: "provider", model: "local-sql-1", status: "answered", tokens: { prompt: 321, completion: 17 } });
    expect(a.result!.rows[0]!.n).toBeGreaterThan(0);
    const body = server.requests.at(-1)!.body;
    const prompt = JSON.stringify(body.messages);
    expect(prompt).toContain("TABLE orders");
    expect(prompt).toContain("cancelled"); // a non-personal sampled value
    expect(prompt).not.toContain("TABLE products"); // not relevant to the question
    expect(prompt).not.toMatch(/[a-z0-9._-]+@[a-z0-9.-]+\.[a-z]{2,}/i); // no e-mail address, masked or not
    expect(prompt).toContain("personal data: values withheld");
    expect(a.warnings.join(" ")).toMatch(/context window/); // 200 tokens is smaller than the prompt
    const call = await db.aiCall.findFirstOrThrow({ where: { question: "How many cancelled orders are there?" }, orderBy: { createdAt: "desc" } });
    expect(call).toMatchObject({ engine: "provider", promptTokens: 321, completionTokens: 17, outcome: "answered", attempts: 1 });
  });

  it("sends an invalid statement back with the error and uses the corrected one", async () => {
    server.script({ content: "SELEKT what FROM" }, { content: "SELECT nope FROM orders" }, { content: "SELECT COUNT(*) AS n FROM orders" });
    const a = await ask("count the orders please");
    expect(a.status).toBe("answered");
    expect(a.validation.attempts).toBe(3);
    expect(a.validation.errors).toHaveLength(2);
    expect(a.tokens.prompt).toBe(300);
    const second = JSON.stringify(server.requests.at(-2)!.body.messages);
    expect(second).toContain("SELEKT what FROM");
    expect(second).toContain("failed with");
  });

  it("gives up after two corrections, and stores unknown token counts as null", async () => {
    server.script({ content: "nonsense", usage: null }, { content: "still nonsense", usage: null }, { content: "no SQL here", usage: null });
    const a = await ask("what about the weather");
    expect(a.status).toBe("unanswered");
    expect(a.validation.attempts).toBe(3);
    expect(a.tokens).toEqual({ prompt: null, completion: null });
    const call = await db.aiCall.findFirstOrThrow({ where: { question: "what about the weather" } });
    expect(call.promptTokens).toBeNull();
  });

  it("never runs a write the model proposes for a reader", async () => {
    server.script({ content: "DELETE FROM orders" });
    const before = await db.queryRun.count();
    const error = await ask("forget the old orders").catch((e: unknown) => e);
    expect(isAppError(error) && error.code).toBe("FORBIDDEN");
    expect(await db.queryRun.count()).toBeGreaterThanOrEqual(before); // a refusal is recorded, nothing ran
  });

  it("turns a 401 and a timeout into clear errors, never a 500", async () => {
    server.script({ status: 401 });
    const unauthorized = await ask("How many orders?").catch((e: unknown) => e);
    expect(isAppError(unauthorized) && unauthorized.status).toBe(503);
    expect((unauthorized as Error).message).toMatch(/refused the API key/);
    server.script({ content: "SELECT 1", delayMs: 3000 });
    const slow = await ask("How many orders?").catch((e: unknown) => e);
    expect(isAppError(slow) && slow.message).toMatch(/did not answer within 1500 ms/);
    server.script({ raw: "{not json" });
    const malformed = await ask("How many orders?").catch((e: unknown) => e);
    expect(isAppError(malformed) && malformed.status).toBe(503);
    server.script({ status: 401 });
    const test = await rest("POST", `/ai-providers/${providerId}/test`, { token: u.admin.token });
    expect(test.status).toBe(200);
    expect(test.body.success).toBe(false);
  });

  it("falls back to the provider only when the built-in engine cannot map a question", async () => {
    const builtIn = await askQuestion(userPrincipal(u.reader.user), { question: "How many orders are there?", dataSourceId: dsId });
    expect(builtIn.engine).toBe("builtin");
    server.script({ content: "SELECT COUNT(*) AS n FROM orders" });
    const fallback = await askQuestion(userPrincipal(u.reader.user), { question: "How many orders did Zorblax approve?", dataSourceId: dsId });
    expect(fallback.engine).toBe("provider");
  });

  it("is removed by an admin", async () => {
    expect((await rest("DELETE", `/ai-providers/${providerId}`, { token: u.reader.token })).status).toBe(403);
    expect((await rest("DELETE", `/ai-providers/${providerId}`, { token: u.admin.token })).status).toBe(200);
    expect((await rest("DELETE", `/ai-providers/${providerId}`, { token: u.admin.token })).status).toBe(404);
  });
});
