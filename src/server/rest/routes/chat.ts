import "server-only";
import { z } from "zod";
import { validationFailed } from "../../errors";
import { addMessage, createSession, deleteSession, getSession, listMessages, listSessions, updateSession, type ChatMessageView, type ChatSessionView } from "../../services/chat/sessions";
import { chatStatus } from "../../services/chat/status";
import { runChatTurn } from "../../services/chat/turn";
import { pageWindow, pagingQuery } from "../pagination";
import { defineRoute } from "../route";
import { snakeKeys } from "../snake";

/**
 * The Analytics Assistant's chat (`/chat/...`): sessions per user, their messages, a
 * question asked inside a session (follow-ups refine the last answer), and what the
 * chat can use. A data source is named by `database_id`, `data_source_id` or `connection_id`.
 */
const tag = "chat";
const sourceFields = {
  database_id: z.string().min(1).max(100).optional(),
  data_source_id: z.string().min(1).max(100).optional(),
  connection_id: z.string().min(1).max(100).optional(),
};
const sourceOf = (b: { database_id?: string; data_source_id?: string; connection_id?: string }) => b.connection_id ?? b.database_id ?? b.data_source_id;

export const sessionBody = (s: ChatSessionView) => ({
  id: s.id,
  session_id: s.id,
  title: s.title,
  database_id: s.dataSourceId,
  data_source_id: s.dataSourceId,
  message_count: s.messageCount,
  last_message: s.lastMessage,
  created_at: s.createdAt,
  updated_at: s.updatedAt,
});

export const messageBody = (m: ChatMessageView) => ({
  id: m.id,
  message_id: m.id,
  session_id: m.sessionId,
  role: m.role,
  content: m.content,
  status: m.status,
  sql: m.sql,
  sql_query: m.sql,
  engine: m.engine,
  model: m.model,
  database_id: m.dataSourceId,
  query_id: m.queryRunId,
  approval_id: m.approvalId,
  result: m.result ? { columns: m.result.columns, rows: m.result.rows, row_count: m.result.rowCount, truncated: m.result.truncated, execution_time_ms: m.result.executionTimeMs } : null,
  data: m.result?.rows ?? [],
  chart_type: m.chart,
  tokens: { prompt_tokens: m.promptTokens ?? 0, completion_tokens: m.completionTokens ?? 0, total_tokens: (m.promptTokens ?? 0) + (m.completionTokens ?? 0) },
  error: m.error,
  latency_ms: m.latencyMs,
  created_at: m.createdAt,
  timestamp: m.createdAt,
});

const text = z.string().max(20_000);

const str = z.string();
const num = z.number();
const tokensSchema = z.object({ prompt_tokens: num, completion_tokens: num, total_tokens: num });
const rowSchema = z.record(z.string(), z.unknown());
export const sessionSchema = z.object({
  id: str, session_id: str, title: str, database_id: str.nullable(), data_source_id: str.nullable(),
  message_count: num, last_message: str.nullable(), created_at: str, updated_at: str,
});
export const messageSchema = z.object({
  id: str, message_id: str, session_id: str, role: z.enum(["user", "assistant", "system"]), content: str, status: str,
  sql: str.nullable(), sql_query: str.nullable(), engine: str.nullable(), model: str.nullable(), database_id: str.nullable(),
  query_id: str.nullable(), approval_id: str.nullable(),
  result: z.object({
    columns: z.array(z.looseObject({ name: str, type: str, kind: str })), rows: z.array(rowSchema), row_count: num, truncated: z.boolean(), execution_time_ms: num.nullable(),
  }).nullable(),
  data: z.array(rowSchema), chart_type: str.nullable(), tokens: tokensSchema, error: str.nullable(), latency_ms: num.nullable(), created_at: str, timestamp: str,
});
const turnFields = {
  session_id: str, question: str, understood_as: str, follow_up: z.boolean(), changes: z.array(str),
  mappings: z.array(z.object({ phrase: str, kind: str, target: str })),
  engine: str.nullable(), model: str.nullable(), status: str, message: str, response: str, sql: str.nullable(), generated_sql: str.nullable(),
  results: z.array(rowSchema), data: z.array(rowSchema), columns: z.array(z.looseObject({ name: str, type: str, kind: str })), row_count: num,
  chart_type: str.nullable(), tokens: tokensSchema, user_message: messageSchema, assistant_message: messageSchema,
};
const limitWindowSchema = z.object({
  tokens_used: num, tokens_limit: num.nullable(), tokens_remaining: num.nullable(),
  requests_used: num, requests_limit: num.nullable(), requests_remaining: num.nullable(), resets_at: str,
});
const chatStatusSchema = z.object({
  status: z.literal("ok"),
  engines: z.array(z.object({ name: z.enum(["builtin", "provider"]), available: z.boolean(), detail: str })),
  providers: z.array(z.object({ id: str, name: str, provider: str, model: str, is_default: z.boolean(), available: z.boolean(), detail: str })),
  default_engine: z.enum(["auto", "builtin"]),
  limits: z.object({ allowed: z.boolean(), reason: str.nullable(), daily: limitWindowSchema, monthly: limitWindowSchema, retry_after_seconds: num.nullable() }),
  sessions: num,
});

export const chatRoutes = [
  defineRoute({
    method: "POST", path: "/chat/sessions", format: "insight", auth: "user", procedure: "chat.createSession", tag, successStatus: 201,
    response: sessionSchema,
    summary: "Start a chat session (optionally on a data source)",
    body: z.object({ title: z.string().max(200).optional(), name: z.string().max(200).optional(), ...sourceFields }),
    async handle({ principal, body }) {
      const s = await createSession(principal, { title: body.title ?? body.name, dataSourceId: sourceOf(body) });
      return { status: 201, body: sessionBody(s) };
    },
  }),
  defineRoute({
    method: "GET", path: "/chat/sessions", format: "insight", auth: "user", procedure: "chat.sessions", tag,
    response: z.object({ sessions: z.array(sessionSchema), total: num, page: num, page_size: num }),
    summary: "The caller's chat sessions, most recent first", query: pagingQuery,
    async handle({ principal, query }) {
      const { page, pageSize } = pageWindow(query, 50, 200);
      const { items, total } = await listSessions(principal, { page, pageSize });
      return { body: { sessions: items.map(sessionBody), total, page, page_size: pageSize }, paging: { page, pageSize, total } };
    },
  }),
  defineRoute({
    method: "GET", path: "/chat/sessions/:session_id", format: "insight", auth: "user", procedure: "chat.session", tag,
    response: sessionSchema.extend({ messages: z.array(messageSchema) }),
    summary: "One session with its messages",
    async handle({ principal, params }) {
      const s = await getSession(principal, params.session_id!);
      return { body: { ...sessionBody(s), messages: s.messages.map(messageBody) } };
    },
  }),
  defineRoute({
    method: "PUT", path: "/chat/sessions/:session_id", format: "insight", auth: "user", procedure: "chat.updateSession", tag,
    addition: "Renaming a session or moving it to another data source: the document lists sessions but no way to rename one",
    response: sessionSchema,
    summary: "Rename a session or change its data source",
    body: z.object({ title: z.string().max(200).optional(), name: z.string().max(200).optional(), ...sourceFields }),
    async handle({ principal, params, body }) {
      const s = await updateSession(principal, params.session_id!, { title: body.title ?? body.name, dataSourceId: sourceOf(body) });
      return { body: sessionBody(s) };
    },
  }),
  defineRoute({
    method: "DELETE", path: "/chat/sessions/:session_id", format: "insight", auth: "user", procedure: "chat.deleteSession", tag,
    response: z.object({ message: str, session_id: str, success: z.literal(true) }),
    summary: "Delete a session and its history",
    async handle({ principal, params }) {
      await deleteSession(principal, params.session_id!);
      return { body: { message: "Chat session deleted", session_id: params.session_id, success: true } };
    },
  }),
  defineRoute({
    method: "POST", path: "/chat/sessions/:session_id/messages", format: "insight", auth: "user", procedure: "chat.addMessage", tag, successStatus: 201,
    response: messageSchema,
    summary: "Add a message to a session as is (ask with /query to get an answer)",
    body: z.object({ content: text.optional(), message: text.optional(), role: z.enum(["user", "assistant", "system"]).optional() }),
    async handle({ principal, params, body }) {
      const content = body.content ?? body.message;
      if (!content?.trim()) throw validationFailed([{ field: "content", message: "required" }]);
      return { status: 201, body: messageBody(await addMessage(principal, params.session_id!, { role: body.role, content })) };
    },
  }),
  defineRoute({
    method: "GET", path: "/chat/sessions/:session_id/messages", format: "insight", auth: "user", procedure: "chat.session", tag,
    response: z.object({ session_id: str, messages: z.array(messageSchema), total: num, page: num, page_size: num }),
    summary: "A session's messages, oldest first", query: pagingQuery,
    async handle({ principal, params, query }) {
      const { page, pageSize } = pageWindow(query, 500, 1000);
      const { items, total } = await listMessages(principal, params.session_id!, { page, pageSize });
      return { body: { session_id: params.session_id, messages: items.map(messageBody), total, page, page_size: pageSize }, paging: { page, pageSize, total } };
    },
  }),
  defineRoute({
    method: "POST", path: "/chat/sessions/:session_id/query", format: "insight", auth: "user", procedure: "chat.send", rateLimit: "query", tag,
    response: z.object(turnFields),
    otherResponses: { 202: { description: "The answer is a write, sent for approval", schema: z.object({ ...turnFields, approval_id: str.nullable(), requires_approval: z.literal(true) }) } },
    summary: "Ask inside a session: follow-ups refine the previous answer's SQL; the answer runs with the caller's permissions",
    body: z.object({
      query: z.string().max(2000).optional(), question: z.string().max(2000).optional(), message: z.string().max(2000).optional(), content: z.string().max(2000).optional(),
      engine: z.enum(["auto", "builtin", "provider"]).optional(), limit: z.coerce.number().int().min(1).max(100_000).optional(), ...sourceFields,
    }),
    async handle({ principal, params, body }) {
      const question = body.query ?? body.question ?? body.message ?? body.content;
      if (!question?.trim()) throw validationFailed([{ field: "query", message: "required" }]);
      const turn = await runChatTurn(principal, params.session_id!, { content: question, dataSourceId: sourceOf(body), engine: body.engine, maxRows: body.limit });
      const a = turn.answer;
      const u = turn.understanding;
      const out = {
        session_id: params.session_id,
        question,
        understood_as: u?.question ?? question,
        follow_up: u?.followUp ?? false,
        changes: u?.changes ?? [],
        mappings: u?.mappings ?? [],
        engine: a.engine,
        model: a.model,
        status: a.status,
        message: a.content,
        response: a.content,
        sql: a.sql,
        generated_sql: a.sql,
        results: a.result?.rows ?? [],
        data: a.result?.rows ?? [],
        columns: a.result?.columns ?? [],
        row_count: a.result?.rowCount ?? 0,
        chart_type: a.chart,
        tokens: { prompt_tokens: a.promptTokens ?? 0, completion_tokens: a.completionTokens ?? 0, total_tokens: (a.promptTokens ?? 0) + (a.completionTokens ?? 0) },
        user_message: messageBody(turn.question),
        assistant_message: messageBody(a),
      };
      if (a.status === "pending_approval") return { status: 202, body: { ...out, approval_id: a.approvalId, requires_approval: true } };
      return { body: out };
    },
  }),
  defineRoute({
    method: "GET", path: "/chat/status", format: "insight", auth: "user", procedure: "chat.status", tag,
    response: chatStatusSchema,
    summary: "The engines and providers the chat can use right now, and the caller's limits",
    async handle({ principal }) {
      return { body: snakeKeys(await chatStatus(principal)) };
    },
  }),
];
