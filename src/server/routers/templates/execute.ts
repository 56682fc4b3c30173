import "server-only";
import { z } from "zod";
import { runParameterized } from "../../services/templates/run";
import { authedProcedure } from "../../trpc";
import { sqlInput } from "../queries/dto";
import { executeOutcomeDto, parameterValues } from "./dto";

/**
 * The editor's run of SQL holding `{{name}}` / `:name` markers: each is bound as a value
 * (never spliced), then the statement takes the one run path like `queries.execute`.
 */
export const execute = authedProcedure
  .input(
    z.object({
      dataSourceId: z.string().min(1).max(100).optional(),
      sql: sqlInput,
      values: parameterValues,
      source: z.string().max(40).optional(),
      wait: z.boolean().optional(),
    }),
  )
  .output(executeOutcomeDto)
  .mutation(({ ctx, input }) => runParameterized(ctx.principal, input));
