import "server-only";
import { z } from "zod";
import { roleSchema } from "@/lib/roles";
import { updateUser } from "../../services/users/manage";
import { authedProcedure } from "../../trpc";
import { emailField, fullNameField, managedUserDto, toManagedUserDto, userIdInput, usernameField } from "./dto";

export const updateUserInput = userIdInput.extend({
  email: emailField.optional(),
  username: usernameField.optional(),
  fullName: fullNameField.optional(),
  role: roleSchema.optional(),
  isActive: z.boolean().optional(),
});

/** Admins change anything; a user may change their own name, username and email only. */
export const update = authedProcedure
  .input(updateUserInput)
  .output(managedUserDto)
  .mutation(async ({ ctx, input }) => {
    const { id, ...patch } = input;
    return toManagedUserDto(await updateUser(ctx.principal, id, patch));
  });
