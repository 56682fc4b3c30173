import "server-only";
import { z } from "zod";
import { roleSchema } from "@/lib/roles";
import { inviteMember } from "../../services/users/team";
import { adminProcedure } from "../../trpc";
import { emailField, fullNameField, managedUserDto, toManagedUserDto } from "./dto";

export const invite = adminProcedure
  .input(z.object({ email: emailField, role: roleSchema.default("viewer"), fullName: fullNameField.optional() }))
  .output(
    z.object({
      user: managedUserDto,
      /** Shown once, here; only its hash is stored. */
      temporaryPassword: z.string(),
      mustChangePassword: z.literal(true),
    }),
  )
  .mutation(async ({ ctx, input }) => {
    const { user, temporaryPassword } = await inviteMember(ctx.principal, input);
    return { user: toManagedUserDto(user), temporaryPassword, mustChangePassword: true as const };
  });
