import "server-only";
import { z } from "zod";
import { PARAMETER_TYPES } from "@/lib/sql-parameters";
import { approvalDto } from "../approvals/dto";
import { queryResultDto, queryRunDto } from "../queries/dto";

export const engineEnum = z.enum(["postgres", "mysql", "sqlite"]);
export const parameterValue = z.union([z.string().max(10_000), z.number(), z.boolean(), z.null()]);
export const parameterValues = z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/).max(64), parameterValue).default({});

export const parameterDto = z.object({
  name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "a parameter name is letters, digits and _").max(64),
  type: z.enum(PARAMETER_TYPES),
  label: z.string().max(200).optional(),
  default: z.union([z.string().max(10_000), z.number(), z.boolean(), z.null()]).optional(),
  required: z.boolean().optional(),
});

export const templateDto = z.object({
  id: z.string(),
  title: z.string(),
  description: z.string(),
  sql: z.string(),
  category: z.string(),
  tags: z.array(z.string()),
  parameters: z.array(parameterDto),
  engines: z.array(engineEnum),
  builtIn: z.boolean(),
  ownerId: z.string().nullable(),
  ownerEmail: z.string().nullable(),
  canEdit: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const templateInput = z.object({
  title: z.string().trim().min(1, "title is required").max(200),
  description: z.string().max(5000).optional(),
  sql: z.string().min(1, "sql is required").max(200_000),
  category: z.string().trim().max(50).optional(),
  tags: z.array(z.string().max(50)).max(30).optional(),
  parameters: z.array(parameterDto).max(50).optional(),
  engines: z.array(engineEnum).max(3).optional(),
});

export const templateId = z.object({ id: z.string().min(1).max(100) });

export const executeOutcomeDto = z.discriminatedUnion("type", [
  z.object({ type: z.literal("result"), result: queryResultDto }),
  z.object({ type: z.literal("started"), run: queryRunDto }),
  z.object({ type: z.literal("approval"), approval: approvalDto }),
]);
