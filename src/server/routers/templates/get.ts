import "server-only";
import { getTemplate } from "../../services/templates";
import { authedProcedure } from "../../trpc";
import { templateDto, templateId } from "./dto";
import { principalOf } from "../principal";

export const get = authedProcedure
  .input(templateId)
  .output(templateDto)
  .query(({ ctx, input }) => getTemplate(principalOf(ctx), input.id));
