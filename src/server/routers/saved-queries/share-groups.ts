import "server-only";
import { z } from "zod";
import { shareSavedQueryWithGroups } from "../../services/saved-queries";
import { authedProcedure } from "../../trpc";
import { savedQueryDto, savedQueryId } from "./dto";

/** Shares read-only with every member of the groups (or, with "remove", stops). Owner or admin. */
export const shareGroups = authedProcedure
  .input(savedQueryId.extend({ groupIds: z.array(z.string().min(1).max(100)).min(1).max(100), action: z.enum(["add", "remove"]).default("add") }))
  .output(savedQueryDto)
  .mutation(({ ctx, input }) => shareSavedQueryWithGroups(ctx.principal, input.id, input.groupIds, input.action));
