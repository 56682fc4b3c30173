import "server-only";
import { z } from "zod";
import { clearSchemaCache } from "../../services/system/status";
import { adminProcedure } from "../../trpc";
import { actorOf } from "../users/dto";

export const clearCache = adminProcedure
  .output(z.object({ message: z.string(), cleared: z.array(z.object({ id: z.string(), name: z.string() })) }))
  .mutation(async ({ ctx }) => {
    const { cleared } = await clearSchemaCache(actorOf(ctx));
    return {
      message: cleared.length
        ? `Cleared the cached schema of ${cleared.length} data source${cleared.length === 1 ? "" : "s"}`
        : "No cached schemas to clear",
      cleared,
    };
  });
