import "server-only";
import { cloneTemplate } from "../../services/templates";
import { authedProcedure } from "../../trpc";
import { savedQueryDto } from "../saved-queries/dto";
import { templateId } from "./dto";
import { z } from "zod";

/** A copy in the caller's saved queries. */
export const clone = authedProcedure
  .input(templateId.extend({ title: z.string().trim().min(1).max(200).optional(), dataSourceId: z.string().max(100).nullable().optional() }))
  .output(savedQueryDto)
  .mutation(({ ctx, input }) => cloneTemplate(ctx.principal, input.id, { title: input.title, dataSourceId: input.dataSourceId }));
