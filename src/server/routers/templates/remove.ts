import "server-only";
import { z } from "zod";
import { deleteTemplate } from "../../services/templates";
import { authedProcedure } from "../../trpc";
import { templateId } from "./dto";

export const remove = authedProcedure
  .input(templateId)
  .output(z.object({ ok: z.literal(true) }))
  .mutation(async ({ ctx, input }) => {
    await deleteTemplate(ctx.principal, input.id);
    return { ok: true as const };
  });
