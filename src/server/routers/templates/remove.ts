import "server-only";
import { z } from "zod";
import { deleteTemplate } from "../../services/templates";
import { authedProcedure } from "../../trpc";
import { templateId } from "./dto";
import { principalOf } from "../principal";

export const remove = authedProcedure
  .input(templateId)
  .output(z.object({ ok: z.literal(true) }))
  .mutation(async ({ ctx, input }) => {
    await deleteTemplate(principalOf(ctx), input.id);
    return { ok: true as const };
  });
