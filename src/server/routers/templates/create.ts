import "server-only";
import { createTemplate } from "../../services/templates";
import { authedProcedure } from "../../trpc";
import { templateDto, templateInput } from "./dto";

export const create = authedProcedure
  .input(templateInput)
  .output(templateDto)
  .mutation(({ ctx, input }) => createTemplate(ctx.principal, input));
