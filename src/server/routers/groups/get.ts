import "server-only";
import { getGroup } from "../../services/groups";
import { authedProcedure } from "../../trpc";
import { groupDto, groupIdInput, toGroupDto } from "./dto";

export const get = authedProcedure
  .input(groupIdInput)
  .output(groupDto)
  .query(async ({ ctx, input }) =>
    toGroupDto(await getGroup(ctx.principal, input.id)),
  );
