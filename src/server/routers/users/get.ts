import "server-only";
import { getUserDetail } from "../../services/users/query";
import { authedProcedure } from "../../trpc";
import { actorOf, toManagedUserDto, userDetailDto, userIdInput } from "./dto";

/** Admins see anyone; other users only themselves (enforced in the service). */
export const get = authedProcedure
  .input(userIdInput)
  .output(userDetailDto)
  .query(async ({ ctx, input }) => {
    const { user, groups } = await getUserDetail(actorOf(ctx), input.id);
    return { ...toManagedUserDto(user), groups };
  });
