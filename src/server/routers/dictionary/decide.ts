import "server-only";
import { z } from "zod";
import { decideProposal } from "../../services/dictionary/store";
import { authedProcedure } from "../../trpc";
import { columnMetaDto, dataSourceInput, tableMetaDto } from "./dto";

/** Accepts or rejects one auto-guess proposal. */
export const decide = authedProcedure
  .input(
    dataSourceInput.extend({
      table: z.string().min(1).max(300),
      column: z.string().min(1).max(300).optional(),
      field: z.enum(["alias", "description", "tags"]),
      decision: z.enum(["accept", "reject"]),
    }),
  )
  .output(z.union([columnMetaDto, tableMetaDto]))
  .mutation(({ ctx, input }) => decideProposal(ctx.principal, { table: input.table, column: input.column, field: input.field }, input.decision, input.dataSourceId));
