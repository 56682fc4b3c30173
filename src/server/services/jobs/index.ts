import "server-only";
import { conflict, forbidden, notFound } from "../../errors";
import { jobQueue } from "../../jobs";
import { isFinalJobStatus, type JobRecord, type JobStatus } from "../../jobs/queue";
import { jobDefinition } from "../../jobs/registry";
import type { SessionUser } from "../auth/session";
import { requireActingUser, type Principal } from "../principal";

/**
 * Jobs as callers see them: their own, all of them for admins, and those a definition
 * shares (e.g. a schema sync with everyone who may read its data source). Anyone else
 * gets 404, so job ids cannot be probed.
 */
async function mayView(user: SessionUser, job: JobRecord): Promise<boolean> {
  if (user.role === "admin" || job.principalId === user.id) return true;
  const definition = jobDefinition(job.name);
  if (!definition?.visibleTo) return false;
  const payload = definition.payloadSchema.safeParse(job.payload);
  return payload.success && (await definition.visibleTo(user, payload.data));
}

export async function getJobFor(principal: Principal, id: string): Promise<JobRecord> {
  const user = requireActingUser(principal);
  const job = await jobQueue().get(id);
  if (!job || !(await mayView(user, job))) throw notFound("Job", id);
  return job;
}

export interface JobListFilter {
  status?: JobStatus;
  name?: string;
  page: number;
  pageSize: number;
}

export async function listJobsFor(principal: Principal, filter: JobListFilter): Promise<{ jobs: JobRecord[]; total: number }> {
  const user = requireActingUser(principal);
  return jobQueue().list({
    ...(user.role === "admin" ? {} : { principalId: user.id }),
    status: filter.status,
    name: filter.name,
    limit: filter.pageSize,
    offset: (filter.page - 1) * filter.pageSize,
  });
}

/** Only the job's own user or an admin may cancel it; a finished job is a 409. */
export async function cancelJobFor(principal: Principal, id: string): Promise<JobRecord> {
  const user = requireActingUser(principal);
  const job = await getJobFor(principal, id);
  if (user.role !== "admin" && job.principalId !== user.id) throw forbidden("Only the user who started this job or an administrator may cancel it");
  if (isFinalJobStatus(job.status)) throw conflict(`Job ${id} already ended (${job.status})`);
  return (await jobQueue().cancel(id)) ?? job;
}
