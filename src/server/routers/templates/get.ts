import "server-only";
import { getTemplate } from "../../services/templates";
import { authedProcedure } from "../../trpc";
import { templateDto, templateId } from "./dto";

export const get = authedProcedure
  .input(templateId)
  .output(templateDto)
  .query(({ ctx, input }) => getTemplate(ctx.principal, input.id));
