import "server-only";
import { z } from "zod";
import { shareSavedQuery } from "../../services/saved-queries";
import { authedProcedure } from "../../trpc";
import { savedQueryDto, savedQueryId } from "./dto";

/** Grants (or with "none", removes) read or edit access for other users. */
export const share = authedProcedure
  .input(savedQueryId.extend({ userIds: z.array(z.string().min(1).max(100)).min(1).max(200), permission: z.enum(["read", "edit", "none"]) }))
  .output(savedQueryDto)
  .mutation(({ ctx, input }) => shareSavedQuery(ctx.principal, input.id, input.userIds, input.permission));
