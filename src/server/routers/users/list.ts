import "server-only";
import { z } from "zod";
import { roleSchema } from "@/lib/roles";
import { listUsers } from "../../services/users/query";
import { adminProcedure } from "../../trpc";
import { managedUserDto, pageInput, toManagedUserDto } from "./dto";

export const list = adminProcedure
  .input(
    z
      .object({
        ...pageInput,
        search: z.string().trim().max(200).optional(),
        role: roleSchema.optional(),
        isActive: z.boolean().optional(),
      })
      .default({ page: 1, pageSize: 50 }),
  )
  .output(z.object({ items: z.array(managedUserDto), total: z.number(), page: z.number(), pageSize: z.number() }))
  .query(async ({ ctx, input }) => {
    const { items, total } = await listUsers(ctx.principal, input);
    return { items: items.map(toManagedUserDto), total, page: input.page, pageSize: input.pageSize };
  });
