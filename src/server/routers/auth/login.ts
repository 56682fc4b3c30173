import "server-only";
import { z } from "zod";
import { login as loginService } from "../../services/auth/account";
import { publicProcedure } from "../../trpc";
import { signedInDto, toTokensDto, toUserDto } from "./dto";

/** `identifier` is an email or a username; the REST adapter also accepts `email`/`username`. */
export const loginInput = z.object({
  identifier: z.string().trim().min(1, "email or username is required").max(320),
  password: z.string().min(1, "password is required").max(1024),
  /** The authenticator's code or a recovery code, for users with two-factor sign-in on. */
  otp: z.string().trim().max(64).optional(),
});

export const login = publicProcedure
  .input(loginInput)
  .output(signedInDto)
  .mutation(async ({ input, ctx }) => {
    const { user, tokens } = await loginService(input.identifier, input.password, ctx.meta, input.otp);
    return { user: toUserDto(user), tokens: toTokensDto(tokens) };
  });
