import "server-only";
import { unauthorized } from "../../errors";
import { findUserById } from "../../services/auth/users";
import { authedProcedure } from "../../trpc";
import { toUserDto, userDto } from "./dto";

export const me = authedProcedure.output(userDto).query(async ({ ctx }) => {
  const user = await findUserById(ctx.session.user.id);
  if (!user) throw unauthorized("The account no longer exists");
  return toUserDto(user);
});
