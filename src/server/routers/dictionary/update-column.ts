import "server-only";
import { z } from "zod";
import { updateColumn as update } from "../../services/dictionary/store";
import { authedProcedure } from "../../trpc";
import { columnMetaDto, dataSourceInput, metaPatch } from "./dto";

/** Sets a column's alias, description, tags or synonyms; auto-guess never overwrites them afterwards. */
export const updateColumn = authedProcedure
  .input(dataSourceInput.extend({ table: z.string().min(1).max(300), column: z.string().min(1).max(300), patch: metaPatch }))
  .output(columnMetaDto.extend({ dataSourceId: z.string(), table: z.string() }))
  .mutation(({ ctx, input }) => update(ctx.principal, input.table, input.column, input.patch, input.dataSourceId));
