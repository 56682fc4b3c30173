import "server-only";
import { z } from "zod";
import { diffVersions } from "../../services/saved-queries";
import { authedProcedure } from "../../trpc";
import { savedQueryId } from "./dto";

/** A unified diff of the SQL between two versions, and which other fields changed. */
export const diff = authedProcedure
  .input(savedQueryId.extend({ from: z.number().int().min(1), to: z.number().int().min(1) }))
  .output(z.object({ from: z.number(), to: z.number(), sqlDiff: z.string(), changedFields: z.array(z.string()) }))
  .query(({ ctx, input }) => diffVersions(ctx.principal, input.id, input.from, input.to));
