import "server-only";
import { z } from "zod";
import { clearedMessage, clearSchemaCache } from "../../services/system/status";
import { adminProcedure } from "../../trpc";

export const clearCache = adminProcedure
  .output(z.object({ message: z.string(), cleared: z.array(z.object({ id: z.string(), name: z.string() })) }))
  .mutation(async ({ ctx }) => {
    const { cleared } = await clearSchemaCache(ctx.principal);
    return {
      message: clearedMessage(cleared.length),
      cleared,
    };
  });
