import "server-only";
import { z } from "zod";
import { updateTable as update } from "../../services/dictionary/store";
import { authedProcedure } from "../../trpc";
import { dataSourceInput, metaPatch, tableDetailDto } from "./dto";

/** Sets a table's alias, description or synonyms (needs write access to the source). */
export const updateTable = authedProcedure
  .input(dataSourceInput.extend({ table: z.string().min(1).max(300), patch: metaPatch.omit({ tags: true }) }))
  .output(tableDetailDto)
  .mutation(({ ctx, input }) => update(ctx.principal, input.table, input.patch, input.dataSourceId));
