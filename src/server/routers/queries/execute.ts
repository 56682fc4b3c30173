import "server-only";
import { z } from "zod";
import { executeQuery } from "../../services/queries/execute";
import { authedProcedure } from "../../trpc";
import { approvalDto } from "../approvals/dto";
import { queryResultDto, queryRunDto, sqlInput } from "./dto";

export const executeInput = z.object({
  /** Omitted: the caller's default data source (the first they may read). */
  dataSourceId: z.string().min(1).max(100).optional(),
  sql: sqlInput,
  maxRows: z.number().int().min(1).max(1_000_000).optional(),
  timeoutMs: z.number().int().min(100).max(3_600_000).optional(),
  source: z.string().max(40).optional(),
  wait: z.boolean().optional(),
});

/** Runs one statement through the execution pipe (services/execution). */
export const execute = authedProcedure
  .input(executeInput)
  .output(
    z.discriminatedUnion("type", [
      z.object({ type: z.literal("result"), result: queryResultDto }),
      z.object({ type: z.literal("started"), run: queryRunDto }),
      z.object({ type: z.literal("approval"), approval: approvalDto }),
    ]),
  )
  .mutation(({ ctx, input }) => executeQuery(ctx.principal, input));
