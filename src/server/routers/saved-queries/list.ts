import "server-only";
import { z } from "zod";
import { listSavedQueries } from "../../services/saved-queries";
import { authedProcedure } from "../../trpc";
import { savedQueryDto } from "./dto";

/** The caller's own saved queries and those shared with them. */
export const list = authedProcedure
  .input(
    z.object({
      page: z.number().int().min(1).default(1),
      pageSize: z.number().int().min(1).max(100).default(20),
      search: z.string().max(200).optional(),
      tag: z.string().max(50).optional(),
      sort: z.enum(["recent", "oldest", "title", "updated"]).default("recent"),
      scope: z.enum(["all", "mine", "shared"]).default("all"),
      /** One of the caller's folders, or "none" for queries in no folder. */
      folderId: z.string().min(1).max(100).optional(),
    }),
  )
  .output(z.object({ items: z.array(savedQueryDto), total: z.number() }))
  .query(({ ctx, input }) => listSavedQueries(ctx.principal, input));
