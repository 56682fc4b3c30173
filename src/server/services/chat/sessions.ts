import "server-only";
import type { ChatMessage, ChatSession } from "@prisma/client";
import { db } from "../../db";
import { notFound, validationFailed } from "../../errors";
import type { ConversationState } from "../../ai/nl2sql/follow-up";
import { recordAudit } from "../audit";
import { auditActorOf, requireActingUser, type Principal } from "../principal";

/**
 * Chat sessions: each belongs to one user, who alone sees, renames and deletes it
 * (its messages go with it). A session may be tied to a data source; its `state` is the
 * built-in engine's structured view of the last question, for follow-ups.
 */
export const DEFAULT_TITLE = "New chat";
const MAX_TITLE = 200;
const MAX_CONTENT = 20_000;

export interface StoredResult {
  columns: { name: string; type: string; kind: string }[];
  rows: Record<string, unknown>[];
  rowCount: number;
  truncated: boolean;
  executionTimeMs: number | null;
}

export interface ChatMessageView {
  id: string;
  sessionId: string;
  role: "user" | "assistant" | "system";
  content: string;
  status: string;
  sql: string | null;
  engine: string | null;
  model: string | null;
  dataSourceId: string | null;
  queryRunId: string | null;
  approvalId: string | null;
  result: StoredResult | null;
  chart: string | null;
  promptTokens: number | null;
  completionTokens: number | null;
  error: string | null;
  latencyMs: number | null;
  createdAt: string;
}

export interface ChatSessionView {
  id: string;
  title: string;
  dataSourceId: string | null;
  messageCount: number;
  lastMessage: string | null;
  createdAt: string;
  updatedAt: string;
}

const parse = <T>(text: string | null): T | null => {
  if (!text) return null;
  try {
    return JSON.parse(text) as T;
  } catch {
    return null;
  }
};

export const messageView = (m: ChatMessage): ChatMessageView => ({
  id: m.id,
  sessionId: m.sessionId,
  role: m.role as ChatMessageView["role"],
  content: m.content,
  status: m.status,
  sql: m.sql,
  engine: m.engine,
  model: m.model,
  dataSourceId: m.dataSourceId,
  queryRunId: m.queryRunId,
  approvalId: m.approvalId,
  result: parse<StoredResult>(m.result),
  chart: m.chart,
  promptTokens: m.promptTokens,
  completionTokens: m.completionTokens,
  error: m.error,
  latencyMs: m.latencyMs,
  createdAt: m.createdAt.toISOString(),
});

const sessionView = (s: ChatSession & { _count?: { messages: number }; messages?: ChatMessage[] }): ChatSessionView => ({
  id: s.id,
  title: s.title,
  dataSourceId: s.dataSourceId,
  messageCount: s._count?.messages ?? 0,
  lastMessage: s.messages?.[0]?.content.slice(0, 200) ?? null,
  createdAt: s.createdAt.toISOString(),
  updatedAt: s.updatedAt.toISOString(),
});

export const stateOf = (s: ChatSession): ConversationState | null => {
  const v = parse<ConversationState>(s.state);
  return v && typeof v.question === "string" && v.question ? v : null;
};

/** The caller's session, or 404 (another user's session is not found, never forbidden). */
export async function ownedSession(principal: Principal, id: string): Promise<ChatSession> {
  const user = requireActingUser(principal);
  const s = await db.chatSession.findUnique({ where: { id } });
  if (!s || s.userId !== user.id) throw notFound("Chat session", id);
  return s;
}

function cleanTitle(title: string | undefined): string | undefined {
  if (title === undefined) return undefined;
  const t = title.replace(/\s+/g, " ").trim();
  if (!t) throw validationFailed([{ field: "title", message: "must not be empty" }]);
  if (t.length > MAX_TITLE) throw validationFailed([{ field: "title", message: `at most ${MAX_TITLE} characters` }]);
  return t;
}

export async function createSession(principal: Principal, input: { title?: string; dataSourceId?: string }): Promise<ChatSessionView> {
  const user = requireActingUser(principal);
  if (input.dataSourceId && !(await db.dataSource.findUnique({ where: { id: input.dataSourceId }, select: { id: true } }))) throw notFound("Data source", input.dataSourceId);
  const s = await db.chatSession.create({ data: { userId: user.id, title: cleanTitle(input.title) ?? DEFAULT_TITLE, dataSourceId: input.dataSourceId ?? null } });
  return sessionView(s);
}

export async function listSessions(principal: Principal, paging: { page: number; pageSize: number } = { page: 1, pageSize: 100 }): Promise<{ items: ChatSessionView[]; total: number }> {
  const user = requireActingUser(principal);
  const where = { userId: user.id };
  const [rows, total] = await Promise.all([
    db.chatSession.findMany({
      where,
      orderBy: { updatedAt: "desc" },
      skip: (paging.page - 1) * paging.pageSize,
      take: paging.pageSize,
      include: { _count: { select: { messages: true } }, messages: { orderBy: { createdAt: "desc" }, take: 1 } },
    }),
    db.chatSession.count({ where }),
  ]);
  return { items: rows.map(sessionView), total };
}

export async function getSession(principal: Principal, id: string): Promise<ChatSessionView & { messages: ChatMessageView[] }> {
  await ownedSession(principal, id);
  const s = await db.chatSession.findUniqueOrThrow({ where: { id }, include: { _count: { select: { messages: true } }, messages: { orderBy: { createdAt: "asc" } } } });
  return { ...sessionView({ ...s, messages: [...s.messages].reverse() }), messages: s.messages.map(messageView) };
}

export async function updateSession(principal: Principal, id: string, input: { title?: string; dataSourceId?: string | null }): Promise<ChatSessionView> {
  await ownedSession(principal, id);
  if (input.dataSourceId && !(await db.dataSource.findUnique({ where: { id: input.dataSourceId }, select: { id: true } }))) throw notFound("Data source", input.dataSourceId);
  const s = await db.chatSession.update({
    where: { id },
    data: { title: cleanTitle(input.title), ...(input.dataSourceId !== undefined ? { dataSourceId: input.dataSourceId, state: "{}" } : {}) },
    include: { _count: { select: { messages: true } } },
  });
  return sessionView(s);
}

/** Deletes the session and its whole history (messages cascade; token records keep their numbers). */
export async function deleteSession(principal: Principal, id: string): Promise<void> {
  await ownedSession(principal, id);
  await db.chatSession.delete({ where: { id } });
  await recordAudit(auditActorOf(principal), { action: "delete_chat_session", resourceType: "chat_session", resourceId: id });
}

export async function listMessages(principal: Principal, id: string, paging: { page: number; pageSize: number } = { page: 1, pageSize: 500 }): Promise<{ items: ChatMessageView[]; total: number }> {
  await ownedSession(principal, id);
  const [rows, total] = await Promise.all([
    db.chatMessage.findMany({ where: { sessionId: id }, orderBy: { createdAt: "asc" }, skip: (paging.page - 1) * paging.pageSize, take: paging.pageSize }),
    db.chatMessage.count({ where: { sessionId: id } }),
  ]);
  return { items: rows.map(messageView), total };
}

/** Adds a message as is (a note, or a turn written elsewhere); asking happens in `chatTurn`. */
export async function addMessage(principal: Principal, id: string, input: { role?: "user" | "assistant" | "system"; content: string }): Promise<ChatMessageView> {
  await ownedSession(principal, id);
  const content = input.content.trim();
  if (!content) throw validationFailed([{ field: "content", message: "required" }]);
  if (content.length > MAX_CONTENT) throw validationFailed([{ field: "content", message: `at most ${MAX_CONTENT} characters` }]);
  const m = await db.chatMessage.create({ data: { sessionId: id, role: input.role ?? "user", content } });
  await db.chatSession.update({ where: { id }, data: { updatedAt: new Date() } });
  return messageView(m);
}
