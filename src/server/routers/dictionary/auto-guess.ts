import "server-only";
import { z } from "zod";
import { requestAutoGuess } from "../../services/dictionary/auto-guess";
import { authedProcedure } from "../../trpc";
import { dataSourceInput } from "./dto";

/** Queues auto-guess (follow it with jobs.get); asking again while it runs answers the same job. */
export const autoGuess = authedProcedure
  .input(dataSourceInput.extend({ tables: z.array(z.string().min(1).max(300)).max(1000).optional() }))
  .output(z.object({ jobId: z.string(), status: z.string(), existing: z.boolean() }))
  .mutation(async ({ ctx, input }) => {
    const job = await requestAutoGuess(ctx.principal, { dataSourceId: input.dataSourceId, tables: input.tables });
    return { jobId: job.id, status: job.status, existing: job.existing };
  });
