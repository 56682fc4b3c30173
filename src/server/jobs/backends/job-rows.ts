import "server-only";
import { Prisma, type Job } from "@prisma/client";
import { db } from "../../db";
import { AppError } from "../../errors";
import { isUniqueViolation } from "../../errors/prisma";
import { DEFAULT_BACKOFF, type Backoff, type JobDefinition } from "../definition";
import type { EnqueueOptions, EnqueueResult, JobBackendStatus, JobFilter, JobRecord, JobStatus } from "../queue";

/** Prisma rows ↔ the backend-neutral JobRecord, and the idempotent insert. */

function parseJson(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

export function toJobRecord(row: Job): JobRecord {
  return {
    id: row.id,
    name: row.name,
    payload: parseJson(row.payload),
    status: row.status as JobStatus,
    progress: row.progress,
    message: row.message,
    attempts: row.attempts,
    maxAttempts: row.maxAttempts,
    runAt: row.runAt,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
    result: parseJson(row.result),
    error: row.error ? { code: row.errorCode ?? "INTERNAL", message: row.error } : null,
    idempotencyKey: row.idempotencyKey,
    principalId: row.principalId,
    cancelRequested: row.cancelRequestedAt !== null,
    scheduleId: row.scheduleId,
    createdAt: row.createdAt,
  };
}

export function storedBackoff(row: Job): Backoff {
  const parsed = parseJson(row.backoff) as Partial<Backoff> | null;
  if (parsed && (parsed.type === "exponential" || parsed.type === "fixed") && typeof parsed.delayMs === "number") {
    return { type: parsed.type, delayMs: parsed.delayMs, maxDelayMs: parsed.maxDelayMs };
  }
  return DEFAULT_BACKOFF;
}

const ACTIVE: JobStatus[] = ["queued", "running"];

/**
 * Inserts the job unless (name, key) already names one. The unique index decides races
 * between callers (two scheduler ticks, two clicks): the loser reads the winner's row.
 */
export async function insertJob<P>(
  definition: JobDefinition<P, unknown>,
  payload: P,
  options: EnqueueOptions,
): Promise<EnqueueResult> {
  const parsed = definition.payloadSchema.safeParse(payload);
  if (!parsed.success) {
    throw new AppError("VALIDATION_ERROR", `Invalid payload for job ${definition.name}`, {
      fields: parsed.error.issues.map((i) => ({ field: i.path.join("."), message: i.message })),
    });
  }
  const maxAttempts = options.maxAttempts ?? definition.maxAttempts ?? 1;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) throw new AppError("BAD_REQUEST", "maxAttempts must be a whole number of at least 1");
  const key = options.idempotencyKey ?? null;
  const data: Prisma.JobUncheckedCreateInput = {
    name: definition.name,
    payload: JSON.stringify(parsed.data),
    maxAttempts,
    backoff: JSON.stringify(options.backoff ?? definition.backoff ?? DEFAULT_BACKOFF),
    runAt: options.runAt ?? new Date(),
    idempotencyKey: key,
    principalId: options.principal.id,
    scheduleId: options.scheduleId ?? null,
  };
  for (let tries = 0; tries < 3; tries += 1) {
    if (key !== null) {
      const existing = await db.job.findUnique({ where: { name_idempotencyKey: { name: definition.name, idempotencyKey: key } } });
      if (existing) {
        if (options.keyScope !== "active" || ACTIVE.includes(existing.status as JobStatus)) {
          return { ...toJobRecord(existing), existing: true };
        }
        // Finished, and the key only held while active: release it (the old row keeps its history).
        await db.job.updateMany({ where: { id: existing.id, status: { notIn: ACTIVE } }, data: { idempotencyKey: null } });
        continue;
      }
    }
    try {
      return { ...toJobRecord(await db.job.create({ data })), existing: false };
    } catch (error) {
      if (key === null || !isUniqueViolation(error)) throw error;
    }
  }
  throw new AppError("CONFLICT", `Job ${definition.name} with key ${key} is being enqueued concurrently; try again`);
}

export function whereFor(filter: JobFilter): Prisma.JobWhereInput {
  return {
    ...(filter.principalId ? { principalId: filter.principalId } : {}),
    ...(filter.name ? { name: filter.name } : {}),
    ...(filter.status ? { status: Array.isArray(filter.status) ? { in: filter.status } : filter.status } : {}),
  };
}

/** Failed jobs for the status page: how many, and the latest few (their stored, user-safe messages). */
export async function failedJobs(take = 5): Promise<JobBackendStatus["failed"]> {
  const [total, rows] = await Promise.all([
    db.job.count({ where: { status: "failed" } }),
    db.job.findMany({ where: { status: "failed" }, orderBy: { finishedAt: "desc" }, take, select: { id: true, name: true, error: true, finishedAt: true } }),
  ]);
  return { total, recent: rows };
}

/** One job's record (both backends keep jobs in the app database). */
export async function findJob(id: string): Promise<JobRecord | null> {
  const row = await db.job.findUnique({ where: { id } });
  return row ? toJobRecord(row) : null;
}

/** A page of job records, newest first. */
export async function listJobRows(filter: JobFilter = {}): Promise<{ jobs: JobRecord[]; total: number }> {
  const where = whereFor(filter);
  const [rows, total] = await Promise.all([
    db.job.findMany({ where, orderBy: { createdAt: "desc" }, take: Math.min(filter.limit ?? 50, 500), skip: filter.offset ?? 0 }),
    db.job.count({ where }),
  ]);
  return { jobs: rows.map(toJobRecord), total };
}
