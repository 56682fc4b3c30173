import "server-only";
import { getJobFor } from "../../services/jobs";
import { authedProcedure } from "../../trpc";
import { jobDto, jobIdInput, toJobDto } from "./dto";

/** One job: the caller's own, or any for admins (404 otherwise). */
export const get = authedProcedure
  .input(jobIdInput)
  .output(jobDto)
  .query(async ({ ctx, input }) => toJobDto(await getJobFor(ctx.principal, input.id)));
