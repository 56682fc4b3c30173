import "server-only";
import { z } from "zod";
import { listGroups } from "../../services/groups";
import { authedProcedure } from "../../trpc";
import { pageInput } from "../users/dto";
import { groupDto, toGroupDto } from "./dto";

/** Any signed-in user may see which shared groups exist; who is in them, and personal groups, are for admins. */
export const list = authedProcedure
  .input(z.object({ ...pageInput, search: z.string().trim().max(100).optional() }).default({ page: 1, pageSize: 50 }))
  .output(z.object({ items: z.array(groupDto), total: z.number(), page: z.number(), pageSize: z.number() }))
  .query(async ({ ctx, input }) => {
    const { items, total } = await listGroups(ctx.principal, input);
    return { items: items.map(toGroupDto), total, page: input.page, pageSize: input.pageSize };
  });
