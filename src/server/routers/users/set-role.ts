import "server-only";
import { roleSchema } from "@/lib/roles";
import { updateUser } from "../../services/users/manage";
import { adminProcedure } from "../../trpc";
import { managedUserDto, toManagedUserDto, userIdInput } from "./dto";

export const setRole = adminProcedure
  .input(userIdInput.extend({ role: roleSchema }))
  .output(managedUserDto)
  .mutation(async ({ ctx, input }) =>
    toManagedUserDto(await updateUser(ctx.principal, input.id, { role: input.role }, { action: "change_role" })),
  );
