import "server-only";
import { updateSavedQuery } from "../../services/saved-queries";
import { authedProcedure } from "../../trpc";
import { savedQueryDto, savedQueryId, savedQueryInput } from "./dto";

/** Every change makes a new version. */
export const update = authedProcedure
  .input(savedQueryId.extend({ patch: savedQueryInput.partial() }))
  .output(savedQueryDto)
  .mutation(({ ctx, input }) => updateSavedQuery(ctx.principal, input.id, input.patch));
