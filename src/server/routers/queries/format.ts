import "server-only";
import { z } from "zod";
import { getDataSourceRow } from "../../services/datasources/crud";
import type { EngineName } from "../../services/datasources/engines";
import { formatSql } from "../../sql";
import { authedProcedure } from "../../trpc";
import { sqlInput } from "./dto";

/** Pretty-prints SQL in the data source's dialect (the editor's Format button). */
export const format = authedProcedure
  .input(z.object({ dataSourceId: z.string().min(1).max(100), sql: sqlInput }))
  .output(z.object({ sql: z.string() }))
  .mutation(async ({ ctx, input }) => {
    const row = await getDataSourceRow(ctx.session.user, input.dataSourceId);
    return { sql: formatSql(input.sql, row.engine as EngineName) };
  });
