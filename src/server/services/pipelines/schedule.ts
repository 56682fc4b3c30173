import "server-only";
import type { Pipeline } from "@prisma/client";
import { db } from "../../db";
import { jobSchedules } from "../../jobs";
import { pipelineScheduleJob } from "../../jobs/definitions/pipeline-run";
import { recordAudit } from "../audit";
import { auditActorOf, type Principal } from "../principal";
import { stopAfterFailures } from "./validate";

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

/**
 * After a scheduled run failed: when the pipeline's last `stop_after_failures` scheduled
 * runs all failed, it is paused (no new version: nothing that runs changed) and its
 * schedule disarmed, so a broken pipeline stops retrying every tick. Answers the failure count it paused at, or null.
 */
export async function pauseAfterRepeatedFailures(principal: Principal, pipelineId: string): Promise<number | null> {
  const pipeline = await db.pipeline.findUnique({ where: { id: pipelineId } });
  if (!pipeline || pipeline.status !== "active") return null;
  const limit = stopAfterFailures(JSON.parse(pipeline.config));
  if (typeof limit !== "number") return null;
  const recent = await db.pipelineExecution.findMany({
    where: { pipelineId, triggerType: "scheduled", status: { notIn: ["pending", "running"] } },
    orderBy: { createdAt: "desc" },
    take: limit,
    select: { status: true },
  });
  if (recent.length < limit || recent.some((e) => e.status !== "failed")) return null;
  const paused = await db.pipeline.updateMany({ where: { id: pipelineId, status: "active" }, data: { status: "paused" } });
  if (paused.count === 0) return null;
  await syncPipelineSchedule({ ...pipeline, status: "paused" });
  await recordAudit(auditActorOf(principal), { action: "pause_pipeline", resourceType: "pipeline", resourceId: pipelineId, details: { consecutiveFailures: limit } });
  return limit;
}
