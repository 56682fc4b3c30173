import "server-only";
import { z } from "zod";
import { listTemplates } from "../../services/templates";
import { authedProcedure } from "../../trpc";
import { engineEnum, templateDto } from "./dto";

/** The library, filtered as the document says (category, search) plus tag, engine and "mine". */
export const list = authedProcedure
  .input(
    z.object({
      page: z.number().int().min(1).default(1),
      pageSize: z.number().int().min(1).max(100).default(20),
      category: z.string().max(50).optional(),
      search: z.string().max(200).optional(),
      tag: z.string().max(50).optional(),
      engine: engineEnum.optional(),
      mine: z.boolean().optional(),
    }),
  )
  .output(z.object({ items: z.array(templateDto), total: z.number(), categories: z.array(z.string()) }))
  .query(({ ctx, input }) => listTemplates(ctx.principal, input));
