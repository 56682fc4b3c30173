import "server-only";
import { z } from "zod";
import { deleteSession as remove } from "../../services/chat/sessions";
import { authedProcedure } from "../../trpc";

/** Deletes the session with its whole history. */
export const deleteSession = authedProcedure
  .input(z.object({ id: z.string().min(1).max(100) }))
  .output(z.object({ id: z.string() }))
  .mutation(async ({ ctx, input }) => {
    await remove(ctx.principal, input.id);
    return { id: input.id };
  });
