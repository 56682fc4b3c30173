import "server-only";
import { z } from "zod";
import { diffVersions } from "../../services/saved-queries";
import { authedProcedure } from "../../trpc";
import { savedQueryId, versionDiffDto } from "./dto";

/** What changed between two versions: the SQL as line hunks (and a unified diff), and which other fields changed. */
export const diff = authedProcedure
  .input(savedQueryId.extend({ from: z.number().int().min(1), to: z.number().int().min(1) }))
  .output(versionDiffDto)
  .query(({ ctx, input }) => diffVersions(ctx.principal, input.id, input.from, input.to));
