import "server-only";
import { z } from "zod";
import { deleteSavedQuery } from "../../services/saved-queries";
import { authedProcedure } from "../../trpc";
import { savedQueryId } from "./dto";

export const remove = authedProcedure
  .input(savedQueryId)
  .output(z.object({ message: z.string() }))
  .mutation(async ({ ctx, input }) => {
    await deleteSavedQuery(ctx.principal, input.id);
    return { message: "Saved query deleted successfully" };
  });
