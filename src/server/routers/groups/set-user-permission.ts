import "server-only";
import { z } from "zod";
import { PERMISSION_LEVELS, setUserPermission as setUserPermissionService } from "../../services/groups/permissions";
import { adminProcedure } from "../../trpc";
import { dataSourceIdInput } from "./dto";

/** One user's direct grant, kept in their personal group `user:<email>`; `effective` includes their other groups. */
export const setUserPermission = adminProcedure
  .input(
    dataSourceIdInput.extend({
      userId: z.string().trim().min(1, "user_id is required").max(100),
      permission: z.enum(PERMISSION_LEVELS),
    }),
  )
  .output(
    z.object({
      permission: z.enum(PERMISSION_LEVELS),
      groupId: z.string().nullable(),
      effective: z.object({ canRead: z.boolean(), canWrite: z.boolean(), canApprove: z.boolean() }),
    }),
  )
  .mutation(({ ctx, input }) => setUserPermissionService(ctx.principal, input.dataSourceId, input.userId, input.permission));
