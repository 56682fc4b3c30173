import "server-only";
import { z } from "zod";
import { roleSchema } from "@/lib/roles";
import { MIN_PASSWORD_LENGTH } from "../../services/auth/passwords";
import { createManagedUser } from "../../services/users/manage";
import { adminProcedure } from "../../trpc";
import { emailField, fullNameField, managedUserDto, toManagedUserDto, usernameField } from "./dto";

export const createUserInput = z.object({
  email: emailField,
  username: usernameField.optional(),
  fullName: fullNameField.optional(),
  password: z.string().min(MIN_PASSWORD_LENGTH, `at least ${MIN_PASSWORD_LENGTH} characters`).max(256),
  role: roleSchema.default("viewer"),
});

export const create = adminProcedure
  .input(createUserInput)
  .output(managedUserDto)
  .mutation(async ({ ctx, input }) => toManagedUserDto(await createManagedUser(ctx.principal, input)));
