import "server-only";
import { z } from "zod";
import { dataSourceHealth } from "../../services/datasources/status";
import { authedProcedure } from "../../trpc";
import { idInput } from "./dto";

export const health = authedProcedure
  .input(idInput)
  .output(
    z.object({
      status: z.enum(["healthy", "unhealthy"]),
      lastCheck: z.string(),
      latencyMs: z.number().nullable(),
      error: z.string().nullable(),
      warnings: z.array(z.string()),
    }),
  )
  .query(({ ctx, input }) => dataSourceHealth(ctx.principal, input.id));
