import "server-only";
import { z } from "zod";
import { askQuestion } from "../../services/ai/ask";
import { authedProcedure } from "../../trpc";
import { askAnswerDto } from "./dto";

/** A question in plain language: SQL, how it was understood, and (unless `run: false`) its result. */
export const ask = authedProcedure
  .input(
    z.object({
      question: z.string().min(1).max(2000),
      dataSourceId: z.string().min(1).max(100).optional(),
      run: z.boolean().optional(),
      maxRows: z.number().int().min(1).max(100_000).optional(),
      engine: z.enum(["auto", "builtin", "provider"]).optional(),
      providerId: z.string().min(1).max(100).optional(),
      language: z.enum(["en", "id"]).optional(),
    }),
  )
  .output(askAnswerDto)
  .mutation(({ ctx, input }) => askQuestion(ctx.principal, input));
