import "server-only";
import { z } from "zod";
import { testDataSource } from "../../services/datasources/status";
import { authedProcedure } from "../../trpc";
import { idInput } from "./dto";

export const testConnection = authedProcedure
  .input(idInput)
  .output(
    z.object({
      ok: z.boolean(),
      message: z.string(),
      latencyMs: z.number(),
      version: z.string(),
      checkedAt: z.string(),
      warnings: z.array(z.string()),
    }),
  )
  .mutation(({ ctx, input }) => testDataSource(ctx.principal, input.id));
