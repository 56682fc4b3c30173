import "server-only";
import { z } from "zod";
import { logout as logoutService } from "../../services/auth/account";
import { authedProcedure } from "../../trpc";
import { messageDto } from "./dto";

export const logoutInput = z
  .object({
    refreshToken: z.string().max(4096).optional(),
    everywhere: z.boolean().optional(),
  })
  .default({});

export const logout = authedProcedure
  .input(logoutInput)
  .output(messageDto)
  .mutation(async ({ input, ctx }) => {
    await logoutService(ctx.session, input, ctx.meta);
    return { message: input.everywhere ? "Signed out on every device" : "Signed out" };
  });
