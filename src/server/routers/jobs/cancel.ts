import "server-only";
import { cancelJobFor } from "../../services/jobs";
import { authedProcedure } from "../../trpc";
import { jobDto, jobIdInput, toJobDto } from "./dto";

/** Cancels the caller's own job (admins: any); a running one stops at its next check. */
export const cancel = authedProcedure
  .input(jobIdInput)
  .output(jobDto)
  .mutation(async ({ ctx, input }) => toJobDto(await cancelJobFor(ctx.principal, input.id)));
