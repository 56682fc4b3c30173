import "server-only";
import { z } from "zod";
import { listAliases } from "../../services/dictionary/aliases";
import { authedProcedure } from "../../trpc";
import { dataSourceInput } from "./dto";

/** The aliases and synonyms of a data source's tables and columns (the editor's completion hints). */
export const aliases = authedProcedure
  .input(dataSourceInput)
  .output(
    z.object({
      dataSourceId: z.string(),
      aliases: z.array(
        z.object({
          table: z.string(),
          column: z.string().nullable(),
          alias: z.string(),
          kind: z.enum(["alias", "synonym"]),
          description: z.string(),
        }),
      ),
    }),
  )
  .query(({ ctx, input }) => listAliases(ctx.principal, input.dataSourceId));
