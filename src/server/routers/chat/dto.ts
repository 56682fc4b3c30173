import "server-only";
import { z } from "zod";
import { mappingDto } from "../ai/dto";

export const storedResultDto = z.object({
  columns: z.array(z.object({ name: z.string(), type: z.string(), kind: z.string() })),
  rows: z.array(z.record(z.string(), z.unknown())),
  rowCount: z.number(),
  truncated: z.boolean(),
  executionTimeMs: z.number().nullable(),
});

export const chatMessageDto = z.object({
  id: z.string(),
  sessionId: z.string(),
  role: z.enum(["user", "assistant", "system"]),
  content: z.string(),
  status: z.string(),
  sql: z.string().nullable(),
  engine: z.string().nullable(),
  model: z.string().nullable(),
  dataSourceId: z.string().nullable(),
  queryRunId: z.string().nullable(),
  approvalId: z.string().nullable(),
  result: storedResultDto.nullable(),
  chart: z.string().nullable(),
  promptTokens: z.number().nullable(),
  completionTokens: z.number().nullable(),
  error: z.string().nullable(),
  latencyMs: z.number().nullable(),
  createdAt: z.string(),
});

export const chatSessionDto = z.object({
  id: z.string(),
  title: z.string(),
  dataSourceId: z.string().nullable(),
  messageCount: z.number(),
  lastMessage: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

const chartKind = z.enum(["bar", "line", "pie", "auto"]);

/** One step of a streamed answer (see services/chat/turn.ts). */
export const chatEventDto = z.discriminatedUnion("type", [
  z.object({ type: z.literal("user"), message: chatMessageDto }),
  z.object({ type: z.literal("understanding"), engine: z.enum(["builtin", "provider"]), model: z.string().nullable(), followUp: z.boolean(), question: z.string(), changes: z.array(z.string()), mappings: z.array(mappingDto) }),
  z.object({ type: z.literal("token"), text: z.string() }),
  z.object({ type: z.literal("sql"), sql: z.string() }),
  z.object({ type: z.literal("rows"), result: storedResultDto, queryRunId: z.string() }),
  z.object({ type: z.literal("approval"), approvalId: z.string(), status: z.string(), message: z.string() }),
  z.object({ type: z.literal("chart"), chart: chartKind }),
  z.object({ type: z.literal("error"), step: z.enum(["understanding", "sql", "rows"]), message: z.string(), code: z.string() }),
  z.object({ type: z.literal("done"), message: chatMessageDto, tokens: z.object({ prompt: z.number(), completion: z.number() }) }),
]);
