import "server-only";
import { updateTemplate } from "../../services/templates";
import { authedProcedure } from "../../trpc";
import { templateDto, templateId, templateInput } from "./dto";

/** Owner or admin; shipped templates: admins only. */
export const update = authedProcedure
  .input(templateId.extend({ patch: templateInput.partial() }))
  .output(templateDto)
  .mutation(({ ctx, input }) => updateTemplate(ctx.principal, input.id, input.patch));
