import "server-only";
import { z } from "zod";
import { changePassword as changePasswordService } from "../../services/auth/account";
import { MIN_PASSWORD_LENGTH } from "../../services/auth/passwords";
import { authedProcedure } from "../../trpc";
import { toTokensDto, tokensDto } from "./dto";

export const changePasswordInput = z.object({
  currentPassword: z.string().min(1, "current password is required").max(256),
  newPassword: z.string().min(MIN_PASSWORD_LENGTH, `at least ${MIN_PASSWORD_LENGTH} characters`).max(256),
});

/** Other sessions are signed out; the new token pair keeps this client signed in. */
export const changePassword = authedProcedure
  .input(changePasswordInput)
  .output(z.object({ message: z.string(), tokens: tokensDto }))
  .mutation(async ({ input, ctx }) => {
    const tokens = await changePasswordService(ctx.session, input.currentPassword, input.newPassword, ctx.meta);
    return { message: "Password changed successfully", tokens: toTokensDto(tokens) };
  });
