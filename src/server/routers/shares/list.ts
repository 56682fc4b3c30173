import "server-only";
import { z } from "zod";
import { listShareLinks } from "../../services/shares";
import { authedProcedure } from "../../trpc";
import { shareLinkListItemDto } from "./dto";

/** The caller's share links (which result, created, expiry, views), newest first. */
export const list = authedProcedure
  .input(
    z
      .object({
        page: z.number().int().min(1).default(1),
        pageSize: z.number().int().min(1).max(100).default(50),
        status: z.enum(["active", "all"]).default("all"),
      })
      .default({ page: 1, pageSize: 50, status: "all" }),
  )
  .output(z.object({ items: z.array(shareLinkListItemDto), total: z.number() }))
  .query(({ ctx, input }) => listShareLinks(ctx.principal, input));
