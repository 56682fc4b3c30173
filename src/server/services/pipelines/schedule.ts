import "server-only";
import type { Pipeline } from "@prisma/client";
import { db } from "../../db";
import { jobSchedules } from "../../jobs";
import { pipelineScheduleJob } from "../../jobs/definitions/pipeline-run";

/** Keeps the pipeline's cron schedule in step with it: armed while active and scheduled, removed otherwise. */
export async function syncPipelineSchedule(pipeline: Pipeline): Promise<void> {
  const name = `pipeline:${pipeline.id}`;
  const existing = await db.jobSchedule.findUnique({ where: { name } });
  const wanted = pipeline.isScheduled && pipeline.schedule && pipeline.status === "active";
  if (existing && (!wanted || existing.cron !== pipeline.schedule)) await jobSchedules().remove(existing.id);
  if (wanted && (!existing || existing.cron !== pipeline.schedule)) {
    await jobSchedules().schedule(pipelineScheduleJob, { name, cron: pipeline.schedule!, payload: { pipelineId: pipeline.id }, principal: { id: pipeline.ownerId } });
  }
}

/** Removes the pipeline's schedule (the pipeline is being deleted). */
export async function dropPipelineSchedule(pipelineId: string): Promise<void> {
  const existing = await db.jobSchedule.findUnique({ where: { name: `pipeline:${pipelineId}` } });
  if (existing) await jobSchedules().remove(existing.id);
}
