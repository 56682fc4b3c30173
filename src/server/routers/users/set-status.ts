import "server-only";
import { z } from "zod";
import { updateUser } from "../../services/users/manage";
import { adminProcedure } from "../../trpc";
import { managedUserDto, toManagedUserDto, userIdInput } from "./dto";

/** Deactivating signs the user out everywhere. */
export const setStatus = adminProcedure
  .input(userIdInput.extend({ isActive: z.boolean() }))
  .output(managedUserDto)
  .mutation(async ({ ctx, input }) =>
    toManagedUserDto(
      await updateUser(ctx.principal, input.id, { isActive: input.isActive }, {
        action: input.isActive ? "activate_user" : "deactivate_user",
      }),
    ),
  );
