import "server-only";
import { z } from "zod";
import { createSession as create } from "../../services/chat/sessions";
import { authedProcedure } from "../../trpc";
import { chatSessionDto } from "./dto";

export const createSession = authedProcedure
  .input(z.object({ title: z.string().max(200).optional(), dataSourceId: z.string().min(1).max(100).optional() }))
  .output(chatSessionDto)
  .mutation(({ ctx, input }) => create(ctx.principal, input));
