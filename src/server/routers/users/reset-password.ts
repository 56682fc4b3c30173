import "server-only";
import { z } from "zod";
import { MIN_PASSWORD_LENGTH } from "../../services/auth/passwords";
import { resetPassword as resetPasswordService } from "../../services/users/manage";
import { adminProcedure } from "../../trpc";
import { messageDto, userIdInput } from "./dto";

/** Not for one's own account (that is change-password); the target is signed out everywhere. */
export const resetPassword = adminProcedure
  .input(
    userIdInput.extend({
      newPassword: z.string().min(MIN_PASSWORD_LENGTH, `at least ${MIN_PASSWORD_LENGTH} characters`).max(256),
    }),
  )
  .output(messageDto)
  .mutation(async ({ ctx, input }) => {
    await resetPasswordService(ctx.principal, input.id, input.newPassword);
    return { message: "Password reset successfully" };
  });
