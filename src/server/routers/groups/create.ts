import "server-only";
import { z } from "zod";
import { createGroup } from "../../services/groups";
import { adminProcedure } from "../../trpc";
import { descriptionField, groupDto, groupNameField, toGroupDto } from "./dto";

export const create = adminProcedure
  .input(z.object({ name: groupNameField, description: descriptionField.optional() }))
  .output(groupDto)
  .mutation(async ({ ctx, input }) => toGroupDto(await createGroup(ctx.principal, input)));
