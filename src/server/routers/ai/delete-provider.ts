import "server-only";
import { z } from "zod";
import { deleteProvider as remove } from "../../services/ai/providers";
import { adminProcedure } from "../../trpc";

export const deleteProvider = adminProcedure
  .input(z.object({ id: z.string().min(1).max(100) }))
  .output(z.object({ success: z.literal(true) }))
  .mutation(async ({ ctx, input }) => {
    await remove(ctx.principal, input.id);
    return { success: true as const };
  });
