import "server-only";
import { z } from "zod";
import { getSavedQuery, moveSavedQuery } from "../../services/saved-queries";
import { authedProcedure } from "../../trpc";
import { savedQueryDto, savedQueryId } from "./dto";

/** Files one of the caller's queries in one of their folders (null: no folder). */
export const move = authedProcedure
  .input(savedQueryId.extend({ folderId: z.string().min(1).max(100).nullable() }))
  .output(savedQueryDto)
  .mutation(async ({ ctx, input }) => {
    await moveSavedQuery(ctx.principal, input.id, input.folderId);
    return getSavedQuery(ctx.principal, input.id);
  });
