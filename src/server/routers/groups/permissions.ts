import "server-only";
import { z } from "zod";
import { dataSourcePermissions } from "../../services/groups/permissions";
import { authedProcedure } from "../../trpc";
import { dataSourceIdInput, grantDto } from "./dto";

/** Anyone who may read the data source (others get 404, as for the data source itself). */
export const permissions = authedProcedure
  .input(dataSourceIdInput)
  .output(z.array(grantDto))
  .query(({ ctx, input }) => dataSourcePermissions(ctx.principal, input.dataSourceId));
