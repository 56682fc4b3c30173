import "server-only";
import { z } from "zod";
import { addMember as addMemberService } from "../../services/groups";
import { adminProcedure } from "../../trpc";
import { messageDto } from "../users/dto";
import { memberInput } from "./dto";

/** Adding someone already in the group changes nothing and says so (`added: false`). */
export const addMember = adminProcedure
  .input(memberInput)
  .output(messageDto.extend({ added: z.boolean() }))
  .mutation(async ({ ctx, input }) => {
    const { added } = await addMemberService(ctx.principal, input.id, input.userId);
    return { added, message: added ? "User added to group successfully" : "User is already a member of this group" };
  });
