import "server-only";
import { updateGroup } from "../../services/groups";
import { adminProcedure } from "../../trpc";
import { descriptionField, groupDto, groupIdInput, groupNameField, toGroupDto } from "./dto";

export const update = adminProcedure
  .input(groupIdInput.extend({ name: groupNameField.optional(), description: descriptionField.optional() }))
  .output(groupDto)
  .mutation(async ({ ctx, input }) => {
    const { id, ...patch } = input;
    return toGroupDto(await updateGroup(ctx.principal, id, patch));
  });
