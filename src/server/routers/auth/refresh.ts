import "server-only";
import { z } from "zod";
import { unauthorized } from "../../errors";
import { refresh as refreshService } from "../../services/auth/account";
import { publicProcedure } from "../../trpc";
import { signedInDto, toTokensDto, toUserDto } from "./dto";

/** The refresh token comes in the body or, as ETL Builder clients send it, as the bearer. */
export const refreshInput = z.object({ refreshToken: z.string().min(1).max(4096).optional() });

export const refresh = publicProcedure
  .input(refreshInput)
  .output(signedInDto)
  .mutation(async ({ input, ctx }) => {
    const token = input.refreshToken ?? ctx.bearerToken;
    if (!token) throw unauthorized("A refresh_token is required");
    const { user, tokens } = await refreshService(token, ctx.meta);
    return { user: toUserDto(user), tokens: toTokensDto(tokens) };
  });
