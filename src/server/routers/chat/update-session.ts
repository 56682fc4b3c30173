import "server-only";
import { z } from "zod";
import { updateSession as update } from "../../services/chat/sessions";
import { authedProcedure } from "../../trpc";
import { chatSessionDto } from "./dto";

/** Rename a session, or move it to another data source (which starts its follow-ups afresh). */
export const updateSession = authedProcedure
  .input(z.object({ id: z.string().min(1).max(100), title: z.string().max(200).optional(), dataSourceId: z.string().min(1).max(100).nullable().optional() }))
  .output(chatSessionDto)
  .mutation(({ ctx, input }) => update(ctx.principal, input.id, { title: input.title, dataSourceId: input.dataSourceId }));
