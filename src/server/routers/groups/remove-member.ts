import "server-only";
import { removeMember as removeMemberService } from "../../services/groups";
import { adminProcedure } from "../../trpc";
import { messageDto } from "../users/dto";
import { memberInput } from "./dto";

export const removeMember = adminProcedure
  .input(memberInput)
  .output(messageDto)
  .mutation(async ({ ctx, input }) => {
    await removeMemberService(ctx.principal, input.id, input.userId);
    return { message: "User removed from group successfully" };
  });
