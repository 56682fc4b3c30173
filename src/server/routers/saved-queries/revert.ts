import "server-only";
import { z } from "zod";
import { revertToVersion } from "../../services/saved-queries";
import { authedProcedure } from "../../trpc";
import { savedQueryDto, savedQueryId } from "./dto";

/** Makes an old version the newest again (as a new version: history is never rewritten). */
export const revert = authedProcedure
  .input(savedQueryId.extend({ version: z.number().int().min(1) }))
  .output(savedQueryDto)
  .mutation(({ ctx, input }) => revertToVersion(ctx.principal, input.id, input.version));
