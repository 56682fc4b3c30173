import "server-only";
import { z } from "zod";
import { exportQuery, type ExportFile } from "../../services/queries/export";
import { authedProcedure } from "../../trpc";
import { queryIdInput } from "./dto";

/**
 * Returns a byte stream, so it is for server-side callers (the REST adapter, the
 * download route) through `createCaller`; nothing is serialised.
 */
export const exportFile = authedProcedure
  .input(queryIdInput.extend({ format: z.enum(["csv", "json"]).default("csv"), includeHeaders: z.boolean().default(true) }))
  .output(z.custom<ExportFile>((v) => typeof v === "object" && v !== null && "stream" in v))
  .mutation(({ ctx, input }) => exportQuery(ctx.principal, input.id, input));
