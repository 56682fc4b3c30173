import "server-only";
import { z } from "zod";
import { JOB_STATUSES } from "../../jobs/queue";
import { listJobsFor } from "../../services/jobs";
import { authedProcedure } from "../../trpc";
import { jobDto, toJobDto } from "./dto";

export const listInput = z.object({
  status: z.enum(JOB_STATUSES).optional(),
  name: z.string().max(100).optional(),
  page: z.number().int().min(1).default(1),
  pageSize: z.number().int().min(1).max(200).default(50),
});

/** The caller's jobs, newest first; admins see everyone's. */
export const list = authedProcedure
  .input(listInput)
  .output(z.object({ jobs: z.array(jobDto), total: z.number(), page: z.number(), pageSize: z.number() }))
  .query(async ({ ctx, input }) => {
    const { jobs, total } = await listJobsFor(ctx.principal, input);
    return { jobs: jobs.map(toJobDto), total, page: input.page, pageSize: input.pageSize };
  });
