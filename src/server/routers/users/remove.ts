import "server-only";
import { deleteUser } from "../../services/users/manage";
import { adminProcedure } from "../../trpc";
import { actorOf, messageDto, userIdInput } from "./dto";

export const remove = adminProcedure
  .input(userIdInput)
  .output(messageDto)
  .mutation(async ({ ctx, input }) => {
    await deleteUser(actorOf(ctx), input.id);
    return { message: "User deleted successfully" };
  });
