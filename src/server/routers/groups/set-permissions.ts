import "server-only";
import { z } from "zod";
import { replaceDataSourcePermissions } from "../../services/groups/permissions";
import { adminProcedure } from "../../trpc";
import { dataSourceIdInput, grantDto } from "./dto";

/** Replaces every grant on the data source; an empty list revokes them all. */
export const setPermissions = adminProcedure
  .input(
    dataSourceIdInput.extend({
      grants: z
        .array(
          z.object({
            groupId: z.string().trim().min(1).max(100),
            canRead: z.boolean().default(true),
            canWrite: z.boolean().default(false),
            canApprove: z.boolean().default(false),
          }),
        )
        .max(1000),
    }),
  )
  .output(z.array(grantDto))
  .mutation(({ ctx, input }) => replaceDataSourcePermissions(ctx.principal, input.dataSourceId, input.grants));
