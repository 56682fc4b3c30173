import "server-only";
import { revokeMember } from "../../services/users/team";
import { adminProcedure } from "../../trpc";
import { managedUserDto, toManagedUserDto, userIdInput } from "./dto";

/** Deactivates the member and signs them out everywhere; their history stays. */
export const revoke = adminProcedure
  .input(userIdInput)
  .output(managedUserDto)
  .mutation(async ({ ctx, input }) => toManagedUserDto(await revokeMember(ctx.principal, input.id)));
