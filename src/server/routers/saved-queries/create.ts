import "server-only";
import { createSavedQuery } from "../../services/saved-queries";
import { authedProcedure } from "../../trpc";
import { savedQueryDto, savedQueryInput } from "./dto";

export const create = authedProcedure
  .input(savedQueryInput)
  .output(savedQueryDto)
  .mutation(({ ctx, input }) => createSavedQuery(ctx.principal, input));
