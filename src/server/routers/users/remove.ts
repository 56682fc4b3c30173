import "server-only";
import { deleteUser } from "../../services/users/manage";
import { adminProcedure } from "../../trpc";
import { messageDto, userIdInput } from "./dto";

export const remove = adminProcedure
  .input(userIdInput)
  .output(messageDto)
  .mutation(async ({ ctx, input }) => {
    await deleteUser(ctx.principal, input.id);
    return { message: "User deleted successfully" };
  });
