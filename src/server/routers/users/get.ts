import "server-only";
import { getUserDetail } from "../../services/users/query";
import { authedProcedure } from "../../trpc";
import { toManagedUserDto, userDetailDto, userIdInput } from "./dto";

/** Admins see anyone; other users only themselves (enforced in the service). */
export const get = authedProcedure
  .input(userIdInput)
  .output(userDetailDto)
  .query(async ({ ctx, input }) => {
    const { user, groups } = await getUserDetail(ctx.principal, input.id);
    return { ...toManagedUserDto(user), groups };
  });
