import "server-only";
import { deleteGroup } from "../../services/groups";
import { adminProcedure } from "../../trpc";
import { messageDto } from "../users/dto";
import { groupIdInput } from "./dto";

/** Its memberships and data-source grants go with it. */
export const remove = adminProcedure
  .input(groupIdInput)
  .output(messageDto)
  .mutation(async ({ ctx, input }) => {
    await deleteGroup(ctx.principal, input.id);
    return { message: "Group deleted successfully" };
  });
