import "server-only";
import { z } from "zod";
import { listLimits, setLimit as set } from "../../services/ai/usage";
import { adminProcedure } from "../../trpc";
import { limitRowDto, limitValuesDto } from "./dto";

/** Every configured limit (admin). */
export const limits = adminProcedure.output(z.array(limitRowDto)).query(({ ctx }) => listLimits(ctx.principal));

/** Set a user's or a role's limits; all null clears them (admin). */
export const setLimit = adminProcedure
  .input(limitValuesDto.extend({ scope: z.enum(["user", "role"]), subject: z.string().min(1).max(100) }))
  .output(limitRowDto.nullable())
  .mutation(({ ctx, input }) => set(ctx.principal, input));
