import "server-only";
import { z } from "zod";
import { listTables } from "../../services/dictionary/store";
import { authedProcedure } from "../../trpc";
import { dataSourceInput, tableMetaDto } from "./dto";

/** Every table of a data source with its dictionary entry (default: the caller's first readable source). */
export const tables = authedProcedure
  .input(dataSourceInput)
  .output(z.object({ dataSourceId: z.string(), tables: z.array(tableMetaDto) }))
  .query(({ ctx, input }) => listTables(ctx.principal, input.dataSourceId));
