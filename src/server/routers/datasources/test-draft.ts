import "server-only";
import { z } from "zod";
import { testDataSourceDraft } from "../../services/datasources/draft-test";
import { adminProcedure } from "../../trpc";
import { connectionTestDto, dataSourceInput } from "./dto";

/** Tests settings that are not saved yet (the form tests before it saves). */
export const testDraft = adminProcedure
  .input(z.object({ draft: dataSourceInput, existingId: z.string().min(1).max(100).optional() }))
  .output(connectionTestDto)
  .mutation(({ ctx, input }) => testDataSourceDraft(ctx.principal, input.draft, input.existingId));
