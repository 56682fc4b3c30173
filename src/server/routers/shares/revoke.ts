import "server-only";
import { z } from "zod";
import { revokeShareLink } from "../../services/shares";
import { authedProcedure } from "../../trpc";

export const revoke = authedProcedure
  .input(z.object({ id: z.string().min(1).max(100) }))
  .output(z.object({ message: z.string() }))
  .mutation(async ({ ctx, input }) => {
    await revokeShareLink(ctx.principal, input.id);
    return { message: "Share link revoked" };
  });
