import "server-only";
import { z } from "zod";
import { approvalDto } from "../approvals/dto";
import { queryResultDto } from "../queries/dto";

export const mappingDto = z.object({
  phrase: z.string(),
  kind: z.enum(["table", "column", "value", "aggregate", "date", "comparison", "group", "order", "limit", "filter", "write"]),
  target: z.string(),
});

export const askAnswerDto = z.object({
  question: z.string(),
  dataSourceId: z.string(),
  engine: z.enum(["builtin", "provider"]),
  model: z.string().nullable(),
  status: z.enum(["answered", "translated", "pending_approval", "unanswered"]),
  sql: z.string().nullable(),
  message: z.string().nullable(),
  language: z.string(),
  mappings: z.array(mappingDto),
  unmapped: z.array(z.string()),
  contextRetrieved: z.object({ tables: z.array(z.string()), columns: z.array(z.string()) }),
  validation: z.object({ parsed: z.boolean(), statementType: z.string().nullable(), errors: z.array(z.string()), warnings: z.array(z.string()), attempts: z.number() }),
  tokens: z.object({ prompt: z.number().nullable(), completion: z.number().nullable() }),
  warnings: z.array(z.string()),
  result: queryResultDto.nullable(),
  approval: approvalDto.nullable(),
  latencyMs: z.number(),
});

export const providerDto = z.object({
  id: z.string(),
  name: z.string(),
  provider: z.enum(["openai", "anthropic", "openai-compatible"]),
  model: z.string(),
  baseUrl: z.string().nullable(),
  hasApiKey: z.boolean(),
  isDefault: z.boolean(),
  contextWindow: z.number().nullable(),
  timeoutMs: z.number(),
  createdAt: z.string(),
});
