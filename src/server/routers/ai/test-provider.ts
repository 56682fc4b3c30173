import "server-only";
import { z } from "zod";
import { testProvider as test } from "../../services/ai/providers";
import { adminProcedure } from "../../trpc";

/** Calls the model once: whether it answered, which model, how long it took. */
export const testProvider = adminProcedure
  .input(z.object({ id: z.string().min(1).max(100) }))
  .output(z.object({ success: z.boolean(), model: z.string(), latencyMs: z.number(), message: z.string() }))
  .mutation(({ ctx, input }) => test(ctx.principal, input.id));
