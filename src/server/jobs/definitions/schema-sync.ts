import "server-only";
import { z } from "zod";
import { accessTo } from "../../services/access";
import { syncSchema } from "../../services/datasources/status";
import { defineJob } from "../definition";

/** Re-reads a data source's schema into Quarry's cache, as the user who asked for it. */
export const schemaSyncJob = defineJob({
  name: "schema-sync",
  payloadSchema: z.object({ dataSourceId: z.string().min(1).max(100) }),
  maxAttempts: 3,
  backoff: { type: "exponential", delayMs: 2000, maxDelayMs: 60_000 },
  async run({ dataSourceId }, ctx) {
    await ctx.progress(10, "Reading the schema");
    ctx.signal.throwIfAborted();
    // syncSchema checks the principal's access again: it may have changed since the enqueue.
    const { schema, lastSynced } = await syncSchema(ctx.principal, dataSourceId);
    return { dataSourceId, tablesCount: schema.tables.length, lastSynced };
  },
  // One sync per data source is shared by everyone who may read it (they get its id back).
  visibleTo: async (user, { dataSourceId }) => (await accessTo(user, dataSourceId)).canRead,
});
