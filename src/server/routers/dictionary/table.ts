import "server-only";
import { z } from "zod";
import { getTable } from "../../services/dictionary/store";
import { authedProcedure } from "../../trpc";
import { dataSourceInput, tableDetailDto } from "./dto";

/** One table: columns (with dropped/renamed ones flagged), tags, masked samples, relationships. */
export const table = authedProcedure
  .input(dataSourceInput.extend({ table: z.string().min(1).max(300) }))
  .output(tableDetailDto)
  .query(({ ctx, input }) => getTable(ctx.principal, input.table, input.dataSourceId));
