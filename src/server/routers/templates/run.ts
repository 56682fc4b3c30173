import "server-only";
import { z } from "zod";
import { runTemplate } from "../../services/templates";
import { authedProcedure } from "../../trpc";
import { executeOutcomeDto, parameterValues, templateId } from "./dto";

/** Runs a template with its parameters bound as values. */
export const run = authedProcedure
  .input(templateId.extend({ dataSourceId: z.string().min(1).max(100).optional(), values: parameterValues, wait: z.boolean().optional() }))
  .output(executeOutcomeDto)
  .mutation(({ ctx, input }) => runTemplate(ctx.principal, input.id, { dataSourceId: input.dataSourceId, values: input.values, wait: input.wait }));
