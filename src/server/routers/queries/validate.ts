import "server-only";
import { z } from "zod";
import { defaultDataSourceId } from "../../services/datasources/crud";
import { validateSql } from "../../services/queries/validate";
import { authedProcedure } from "../../trpc";
import { sqlInput } from "./dto";

export const validate = authedProcedure
  .input(z.object({ dataSourceId: z.string().min(1).max(100).optional(), sql: sqlInput }))
  .output(
    z.object({
      isValid: z.boolean(),
      kind: z.string().nullable(),
      operation: z.string().nullable(),
      tables: z.array(z.string()),
      errors: z.array(z.object({ message: z.string(), line: z.number().optional(), column: z.number().optional() })),
      warnings: z.array(z.string()),
      estimatedRows: z.number().nullable(),
    }),
  )
  .mutation(async ({ ctx, input }) =>
    validateSql(ctx.principal, input.dataSourceId ?? (await defaultDataSourceId(ctx.session.user)), input.sql),
  );
