import "server-only";
import { z } from "zod";
import { accessTo } from "../../services/access";
import { runAutoGuess } from "../../services/dictionary/auto-guess";
import { defineJob } from "../definition";

/** Samples a data source's columns and proposes dictionary metadata, as the user who asked. */
export const autoGuessJob = defineJob({
  name: "metadata-auto-guess",
  payloadSchema: z.object({ dataSourceId: z.string().min(1).max(100), tables: z.array(z.string().max(300)).max(1000).default([]) }),
  maxAttempts: 2,
  backoff: { type: "exponential", delayMs: 2000, maxDelayMs: 30_000 },
  async run(payload, ctx) {
    await ctx.progress(1, "Starting");
    return runAutoGuess(ctx.principal, payload, (p, m) => ctx.progress(p, m), ctx.signal);
  },
  visibleTo: async (user, { dataSourceId }) => (await accessTo(user, dataSourceId)).canWrite,
});
