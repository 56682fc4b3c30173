import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { db } from "@/server/db";
import { userPrincipal } from "@/server/services/principal";
import { demoDatabaseFile, grant } from "@/test/fixtures";
import { startOpenAiServer, type OpenAiTestServer } from "@/test/openai-server";
import { rest, signedInUser } from "@/test/rest-client";
import { chatTurn, detachedChatTurn, type ChatEvent } from "./turn";

/**
 * Chat, token usage and statistics end to end: REST and the streamed turn, the
 * built-in engine and a model behind an OpenAI-compatible server on loopback (real
 * HTTP, real `ai` SDK streaming), limits refusing with 429, statistics that add up
 * to the recorded calls.
 */
let server: OpenAiTestServer;
let dsId = "";
let providerId = "";
const u = {} as Record<"admin" | "analyst" | "other", Awaited<ReturnType<typeof signedInUser>>>;

beforeAll(async () => {
  server = await startOpenAiServer();
  dsId = (await db.dataSource.create({ data: { name: `chat-${Math.random().toString(36).slice(2)}`, engine: "sqlite", database: demoDatabaseFile(0.01) } })).id;
  u.admin = await signedInUser("admin");
  u.analyst = await signedInUser("analyst");
  u.other = await signedInUser("analyst");
  await grant(u.analyst.user.id, dsId, { canRead: true });
  await grant(u.other.user.id, dsId, { canRead: true });
  const created = await rest("POST", "/ai-providers", {
    token: u.admin.token,
    body: { provider: "openai-compatible", model: "chat-sql-1", base_url: server.baseUrl, api_key: "sk-chat", is_default: true, timeout_ms: 3000 },
  });
  expect(created.status).toBe(201);
  providerId = created.body.id;
});
afterAll(() => server.close());
beforeEach(() => server?.reset());

async function newSession(who = u.analyst) {
  const res = await rest("POST", "/chat/sessions", { token: who.token, body: { database_id: dsId } });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

const ask = (sessionId: string, query: string, extra: Record<string, unknown> = {}, who = u.analyst) =>
  rest("POST", `/chat/sessions/${sessionId}/query`, { token: who.token, body: { query, ...extra } });

async function collect(sessionId: string, content: string, engine: "auto" | "builtin" | "provider" = "auto") {
  const events: ChatEvent[] = [];
  for await (const e of chatTurn(userPrincipal(u.analyst.user), sessionId, { content, engine })) events.push(e);
  return events;
}

/** Run records are finished after the answer returns; wait until their count stops moving. */
async function settledRunCount(userId: string): Promise<number> {
  let last = -1;
  for (let i = 0; i < 50; i++) {
    const n = await db.queryRun.count({ where: { userId } });
    const running = await db.queryRun.count({ where: { userId, status: "running" } });
    if (n === last && running === 0) return n;
    last = n;
    await new Promise((r) => setTimeout(r, 100));
  }
  return last;
}

/** Records in CSV text (quoted fields may hold line breaks). */
function csvRecords(text: string): number {
  let n = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '"') quoted = !quoted;
    else if (text[i] === "\n" && !quoted) n++;
  }
  return n;
}

describe("sessions", () => {
  it("are per user: created, listed, renamed, deleted with their history", async () => {
    const id = await newSession();
    expect((await rest("PUT", `/chat/sessions/${id}`, { token: u.analyst.token, body: { title: "Revenue questions" } })).body.title).toBe("Revenue questions");
    await rest("POST", `/chat/sessions/${id}/messages`, { token: u.analyst.token, body: { content: "a note to self" } });
    const list = await rest("GET", "/chat/sessions", { token: u.analyst.token });
    expect(list.body.sessions.find((s: { id: string }) => s.id === id)).toMatchObject({ title: "Revenue questions", message_count: 1 });
    expect(list.headers.get("X-Total-Count")).toBeTruthy();
    // another user sees none of it
    expect((await rest("GET", `/chat/sessions/${id}`, { token: u.other.token })).status).toBe(404);
    expect((await rest("GET", "/chat/sessions", { token: u.other.token })).body.sessions.some((s: { id: string }) => s.id === id)).toBe(false);
    expect((await rest("DELETE", `/chat/sessions/${id}`, { token: u.other.token })).status).toBe(404);
    const del = await rest("DELETE", `/chat/sessions/${id}`, { token: u.analyst.token });
    expect(del.status).toBe(200);
    expect(await db.chatMessage.count({ where: { sessionId: id } })).toBe(0);
    const gone = await rest("GET", `/chat/sessions/${id}/messages`, { token: u.analyst.token });
    expect(gone.status).toBe(404);
    expect(gone.body.error.code).toBeTruthy();
  });
});

describe("the built-in engine in a conversation", () => {
  it("refines the previous answer's SQL and records zero-token calls", async () => {
    const id = await newSession();
    const first = await ask(id, "total revenue by region");
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ engine: "builtin", status: "answered", follow_up: false });
    expect(first.body.sql).toMatch(/GROUP BY/);
    const second = await ask(id, "only 2024");
    expect(second.body).toMatchObject({ status: "answered", follow_up: true });
    expect(second.body.sql).toMatch(/2024-01-01/);
    expect(second.body.sql).toMatch(/JOIN regions/);
    expect(second.body.row_count).toBeGreaterThan(0);
    const third = await ask(id, "as a bar chart");
    expect(third.body.chart_type).toBe("bar");
    expect(third.body.sql).toBe(second.body.sql);
    const messages = await rest("GET", `/chat/sessions/${id}/messages`, { token: u.analyst.token });
    expect(messages.body.messages.map((m: { role: string }) => m.role)).toEqual(["user", "assistant", "user", "assistant", "user", "assistant"]);
    expect(messages.body.messages[3].result.rows.length).toBe(second.body.row_count);
    const calls = await db.aiCall.findMany({ where: { chatSessionId: id } });
    expect(calls).toHaveLength(3);
    expect(calls.every((c) => c.purpose === "chat" && c.engine === "builtin" && c.promptTokens === 0 && c.completionTokens === 0)).toBe(true);
    // each answer ran through the read path: it points at its run record
    const answers = messages.body.messages.filter((m: { role: string }) => m.role === "assistant");
    expect(answers.every((m: { query_id: string | null }) => !!m.query_id)).toBe(true);
  });
});

describe("safety in a conversation", () => {
  it("a change becomes an approval request shown in the conversation; a reader is refused and told why", async () => {
    const writer = await signedInUser("analyst");
    await grant(writer.user.id, dsId, { canRead: true, canWrite: true });
    const id = await newSession(writer);
    const res = await ask(id, "delete all cancelled orders", {}, writer);
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ status: "pending_approval", requires_approval: true, sql: "DELETE FROM orders WHERE status = 'cancelled'" });
    expect((await db.approvalRequest.findUniqueOrThrow({ where: { id: res.body.approval_id } })).status).toBe("pending");
    const stored = await rest("GET", `/chat/sessions/${id}/messages`, { token: writer.token });
    expect(stored.body.messages[1]).toMatchObject({ role: "assistant", status: "pending_approval", approval_id: res.body.approval_id });

    const readerSession = await newSession();
    const refused = await ask(readerSession, "delete all cancelled orders");
    expect(refused.status).toBe(403);
    const after = await rest("GET", `/chat/sessions/${readerSession}/messages`, { token: u.analyst.token });
    expect(after.body.messages[1]).toMatchObject({ role: "assistant", status: "failed" });
    expect(after.body.messages[1].error).toBeTruthy();
  });

  it("an unknown data source stores nothing; a listener that leaves does not cut the answer short", async () => {
    const id = await newSession();
    const unknown = await ask(id, "How many products do we have?", { database_id: "no-such-source" });
    expect(unknown.status).toBe(404);
    expect(await db.chatMessage.count({ where: { sessionId: id } })).toBe(0);

    const turn = detachedChatTurn(userPrincipal(u.analyst.user), id, { content: "How many products do we have?" });
    expect((await turn.next()).value).toMatchObject({ type: "user" });
    await turn.return(undefined);
    // the token record is the turn's last write
    let calls = 0;
    for (let i = 0; i < 100 && calls === 0; i++) {
      calls = await db.aiCall.count({ where: { chatSessionId: id } });
      if (!calls) await new Promise((r) => setTimeout(r, 100));
    }
    expect(calls).toBe(1);
    expect(await db.chatMessage.count({ where: { sessionId: id, role: "assistant", status: "answered" } })).toBe(1);
  });

  it("says what it could not map instead of guessing", async () => {
    const id = await newSession();
    const res = await ask(id, "How many unicorns live in Narnia?", { engine: "builtin" });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe("unanswered");
    expect(res.body.sql).toBeNull();
    expect(res.body.message).toMatch(/unicorn|Narnia/i);
  });
});

describe("a model in a conversation", () => {
  it("streams the answer token by token and records its usage", async () => {
    const id = await newSession();
    server.script({ content: "```sql\nSELECT status, COUNT(*) AS n FROM orders GROUP BY status\n```", usage: { prompt_tokens: 321, completion_tokens: 17 } });
    const events = await collect(id, "how are orders spread over their states?", "provider");
    const kinds = events.map((e) => e.type);
    expect(kinds.slice(0, 2)).toEqual(["user", "understanding"]);
    const tokens = events.filter((e): e is Extract<ChatEvent, { type: "token" }> => e.type === "token");
    expect(tokens.length).toBeGreaterThan(1);
    expect(tokens.map((t) => t.text).join("")).toContain("SELECT status");
    expect(kinds.indexOf("sql")).toBeGreaterThan(kinds.lastIndexOf("token"));
    expect(kinds.indexOf("rows")).toBeGreaterThan(kinds.indexOf("sql"));
    const done = events.at(-1) as Extract<ChatEvent, { type: "done" }>;
    expect(done.type).toBe("done");
    expect(done.tokens).toEqual({ prompt: 321, completion: 17 });
    expect(server.requests.at(-1)!.body.stream).toBe(true);
    const call = await db.aiCall.findFirstOrThrow({ where: { chatSessionId: id } });
    expect(call).toMatchObject({ purpose: "chat", engine: "provider", model: "chat-sql-1", providerKind: "openai-compatible", promptTokens: 321, completionTokens: 17, outcome: "answered", userId: u.analyst.user.id });
    expect(call.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it("gets the conversation for a follow-up and refines the previous SQL", async () => {
    const id = await newSession();
    server.script({ content: "SELECT status, COUNT(*) AS n FROM orders GROUP BY status" });
    await collect(id, "orders per state", "provider");
    server.script({ content: "SELECT status, COUNT(*) AS n FROM orders WHERE order_date >= '2024-01-01' AND order_date < '2025-01-01' GROUP BY status" });
    const events = await collect(id, "only 2024", "provider");
    const messages = server.requests.at(-1)!.body.messages as { role: string; content: string }[];
    // the earlier turn is in the prompt: the question and the SQL that answered it
    expect(messages.some((m) => m.role === "user" && /orders per state/.test(m.content))).toBe(true);
    expect(messages.some((m) => m.role === "assistant" && /GROUP BY status/.test(m.content))).toBe(true);
    const sql = events.find((e) => e.type === "sql") as Extract<ChatEvent, { type: "sql" }>;
    expect(sql.sql).toMatch(/2024-01-01/);
    expect(events.at(-1)!.type).toBe("done");
  });
});

describe("limits", () => {
  it("refuse a model call over the limit with 429, while the built-in engine still answers", async () => {
    const who = await signedInUser("analyst");
    await grant(who.user.id, dsId, { canRead: true });
    const set = await rest("PUT", "/tokens/limits", { token: u.admin.token, body: { user_id: who.user.id, daily_tokens: 150 } });
    expect(set.status).toBe(200);
    expect((await rest("PUT", "/tokens/limits", { token: who.token, body: { user_id: who.user.id, daily_tokens: 1 } })).status).toBe(403);
    const id = await newSession(who);
    expect((await rest("GET", "/tokens/rate-limit-check", { token: who.token })).body.allowed).toBe(true);
    server.script({ content: "SELECT COUNT(*) AS n FROM orders", usage: { prompt_tokens: 140, completion_tokens: 20 } });
    expect((await ask(id, "count the orders", { engine: "provider" }, who)).status).toBe(200);
    const check = await rest("GET", "/tokens/rate-limit-check", { token: who.token });
    expect(check.body).toMatchObject({ allowed: false, within_limits: false });
    expect(check.body.daily).toMatchObject({ tokens_used: 160, tokens_limit: 150, tokens_remaining: 0 });
    const before = server.requests.length;
    const refused = await ask(id, "count the orders again", { engine: "provider" }, who);
    expect(refused.status).toBe(429);
    expect(refused.body.error.message).toMatch(/daily limit of 150 model tokens/);
    expect(refused.headers.get("Retry-After")).toBeTruthy();
    expect(server.requests.length).toBe(before);
    const builtin = await ask(id, "How many customers are there?", {}, who);
    expect(builtin.status).toBe(200);
    expect(builtin.body.engine).toBe("builtin");
    // the plain NL→SQL route is limited the same way
    const viaQuery = await rest("POST", "/query", { token: who.token, body: { question: "How many customers are there?", database_id: dsId, engine: "provider" } });
    expect(viaQuery.status).toBe(429);
    const limits = await rest("GET", "/tokens/limits", { token: who.token });
    expect(limits.body).toMatchObject({ within_limits: false, limits: { daily_tokens: 150, monthly_tokens: null } });
    // a role's limit applies to users without their own
    await rest("PUT", "/tokens/limits", { token: u.admin.token, body: { role: "viewer", monthly_requests: 0 } });
    const viewer = await signedInUser("viewer");
    expect((await rest("GET", "/tokens/rate-limit-check", { token: viewer.token })).body.allowed).toBe(false);
    await rest("PUT", "/tokens/limits", { token: u.admin.token, body: { role: "viewer" } });
    expect((await rest("GET", "/tokens/rate-limit-check", { token: viewer.token })).body.allowed).toBe(true);
  });
});

describe("statistics", () => {
  it("add up to the recorded calls", async () => {
    const me = u.analyst;
    const calls = await db.aiCall.findMany({ where: { userId: me.user.id } });
    expect(calls.length).toBeGreaterThanOrEqual(5);
    const tokens = calls.reduce((n, c) => n + (c.promptTokens ?? 0) + (c.completionTokens ?? 0), 0);
    const models = await rest("GET", "/auth/model-stats", { token: me.token });
    expect(models.status).toBe(200);
    const sum = (list: { total_calls: number; total_tokens: number }[]) => [list.reduce((n, x) => n + x.total_calls, 0), list.reduce((n, x) => n + x.total_tokens, 0)];
    expect(sum(models.body.models)).toEqual([calls.length, tokens]);
    expect(models.body.models.find((m: { model: string }) => m.model === "chat-sql-1")).toMatchObject({ provider: expect.any(String), engine: "provider" });
    const breakdown = await rest("GET", "/auth/token-breakdown", { token: me.token });
    expect(sum(breakdown.body.by_category)).toEqual([calls.length, tokens]);
    expect(breakdown.body.total_tokens).toBe(tokens);
    expect(breakdown.body.prompt_tokens + breakdown.body.completion_tokens).toBe(tokens);
    const daily = await rest("GET", "/auth/daily-model-stats", { token: me.token });
    expect(daily.body.days).toBe(30);
    expect(daily.body.daily).toHaveLength(30);
    expect(sum(daily.body.daily)).toEqual([calls.length, tokens]);
    const stats = await rest("GET", "/auth/stats", { token: me.token });
    expect(stats.body).toMatchObject({ total_calls: calls.length, total_tokens: tokens, model_calls: calls.filter((c) => c.engine === "provider").length });
    const usage = await rest("GET", "/tokens/usage?days=7", { token: me.token });
    expect(usage.body).toMatchObject({ days: 7, total_tokens: tokens });
    const dash = await rest("GET", "/tokens/dashboard", { token: me.token });
    expect(dash.body.today.total_calls).toBe(calls.length);
    expect(dash.body.recent_calls.length).toBe(Math.min(20, calls.length));
    // someone else's statistics are for admins only
    expect((await rest("GET", `/tokens/usage?user_id=${me.user.id}`, { token: u.other.token })).status).toBe(403);
    expect((await rest("GET", `/tokens/usage?user_id=${me.user.id}`, { token: u.admin.token })).body.total_tokens).toBe(tokens);
  });

  it("query analytics count the run records, per user and system-wide", async () => {
    const me = u.analyst;
    const runs = await settledRunCount(me.user.id);
    const q = await rest("GET", "/analytics/queries", { token: me.token });
    expect(q.body).toMatchObject({ total_queries: runs, queries_today: runs, queries_this_week: runs });
    expect(typeof q.body.avg_execution_time_ms).toBe("number");
    const usage = await rest("GET", "/analytics/usage", { token: me.token });
    expect(usage.body.daily.reduce((n: number, d: { queries: number }) => n + d.queries, 0)).toBe(runs);
    expect(usage.body.by_data_source[0]).toMatchObject({ data_source_id: dsId, count: runs });
    const perf = await rest("GET", "/analytics/performance", { token: me.token });
    expect(perf.body.total_queries).toBe(runs);
    expect(perf.body.slowest_queries.length).toBeGreaterThan(0);
    expect(perf.body.slowest_queries[0].execution_time_ms).toBeGreaterThanOrEqual(perf.body.slowest_queries.at(-1).execution_time_ms);
    const csv = await rest("GET", "/analytics/export?format=csv", { token: me.token });
    expect(csv.headers.get("content-type")).toMatch(/text\/csv/);
    const aiCalls = await db.aiCall.count({ where: { userId: me.user.id } });
    expect(csvRecords(String(csv.body))).toBe(1 + runs + aiCalls);
    const json = await rest("GET", "/analytics/export?format=json", { token: me.token });
    expect(json.body.usage.summary.total_queries).toBe(runs);
    expect((await rest("GET", "/analytics/system/usage", { token: me.token })).status).toBe(403);
    const system = await rest("GET", "/analytics/system/usage", { token: u.admin.token });
    expect(system.body.totals.queries).toBeGreaterThanOrEqual(runs);
    expect(system.body.by_user.some((x: { user_id: string }) => x.user_id === me.user.id)).toBe(true);
    expect((await rest("GET", "/analytics/system/performance", { token: u.admin.token })).status).toBe(200);
  });

  it("chat status reports the engines and the reachable provider", async () => {
    const res = await rest("GET", "/chat/status", { token: u.analyst.token });
    expect(res.body.engines[0]).toMatchObject({ name: "builtin", available: true });
    expect(res.body.providers.find((p: { id: string }) => p.id === providerId)).toMatchObject({ available: true });
  });
});
