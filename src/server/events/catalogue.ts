import "server-only";
import type { FinalQueryStatus } from "@/lib/final-statuses";
import type { JobStatus } from "../jobs/queue";

export { FINAL_QUERY_STATUSES, FINAL_RUN_STATUSES, isFinalQueryStatus } from "@/lib/final-statuses";
export type { FinalQueryStatus, FinalRunStatus } from "@/lib/final-statuses";

/**
 * Every event the bus carries, by name, with its payload. Payloads are domain-shaped
 * (camelCase, ids and facts); each transport (the /ws gateway, tRPC) maps them to its
 * own wire shape, so a document's field names never leak into a service.
 * Each event is published under a key (the query's, approval's or job's id).
 */
export interface EventCatalogue {
  "query.status": QueryStatusEvent;
  "approval.submitted": ApprovalEvent;
  "approval.reviewed": ApprovalReviewedEvent;
  "approval.previewed": ApprovalPreviewedEvent;
  "approval.committed": ApprovalCommittedEvent;
  "approval.failed": ApprovalFailedEvent;
  "approval.retried": ApprovalEvent;
  "approval.rolled_back": ApprovalEvent;
  "approval.reverted": ApprovalEvent;
  "job.progress": JobProgressEvent;
  "job.finished": JobProgressEvent;
  "cache.invalidated": CacheInvalidatedEvent;
  /** A running job's cancel, for the worker process that runs it (BullMQ backend). */
  "job.cancel_requested": { jobId: string };
  "schedule.run": ScheduleRunEvent;
  "pipeline.finished": PipelineRunEvent;
  "pipeline.failed": PipelineRunEvent;
  /** A running execution moved on (keyed by the pipeline's id). */
  "pipeline.progress": PipelineProgressEvent;
  /** A log line of an execution (keyed by the pipeline's id). */
  "pipeline.log": PipelineLogEvent;
  /** A version that writes into data sources asked its approvers (keyed by the pipeline's id). */
  "pipeline.approval_requested": PipelineApprovalEvent;
  /** An approver approved or rejected a pipeline version (keyed by the pipeline's id). */
  "pipeline.approval_decided": PipelineApprovalEvent;
}

export type EventName = keyof EventCatalogue;
export type EventPayload<E extends EventName> = EventCatalogue[E];

/**
 * A query run's status as it moves: `executing`, then one final status. A follower's
 * first event is the run's stored state, which may already be final (even `rejected`).
 */
export interface QueryStatusEvent {
  queryId: string;
  status: QueryStatus;
  rowCount?: number;
  truncated?: boolean;
  truncatedReason?: string;
  error?: string;
  /** The AppError details a client may see (never those of an error that is a bug). */
  details?: unknown;
}
export type QueryStatus = "queued" | "executing" | FinalQueryStatus;

export interface ApprovalEvent {
  approvalId: string;
  /** Who did it. */
  userId: string;
}
export interface ApprovalReviewedEvent extends ApprovalEvent {
  decision: "approved" | "rejected";
  /** Where the request stands after the review: still pending, approved or rejected. */
  status: "pending" | "approved" | "rejected";
}
export interface ApprovalPreviewedEvent extends ApprovalEvent {
  /** Null when no dry run was possible; `unavailableReason` says why. */
  affectedRows: number | null;
  unavailableReason?: string;
}
export interface ApprovalCommittedEvent extends ApprovalEvent {
  affectedRows: number;
  backupTable: string | null;
}
export interface ApprovalFailedEvent extends ApprovalEvent {
  error: string;
}

export interface JobProgressEvent {
  jobId: string;
  name: string;
  status: JobStatus;
  progress: number;
  message: string;
}

/** An in-memory cache must drop entries (published under the cache's name; see src/server/cache). */
export interface CacheInvalidatedEvent {
  cache: string;
  /** One entry's key; absent: the whole cache. */
  key?: string;
}

/** A scheduled saved query ran (keyed by the schedule's id). */
export interface ScheduleRunEvent {
  scheduleId: string;
  runId: string;
  savedQueryId: string;
  /** The schedule's owner, whose permissions the run used. */
  userId: string;
  status: "succeeded" | "failed";
  rowCount?: number;
  error?: string;
  /** True when this failure paused the schedule. */
  paused?: boolean;
}

/** A pipeline run ended (keyed by the pipeline's id); published by the pipelines feature. */
export interface PipelineRunEvent {
  pipelineId: string;
  runId: string;
  userId: string;
  error?: string;
}

export interface PipelineApprovalEvent {
  pipelineId: string;
  version: number;
  /** Who asked or decided. */
  userId: string;
  ownerId: string;
  status: "pending" | "approved" | "rejected";
  /** The data sources the version writes to. */
  dataSourceIds: string[];
}

export interface PipelineProgressEvent {
  pipelineId: string;
  executionId: string;
  status: "pending" | "running" | "success" | "failed" | "cancelled";
  /** 0-100: the share of nodes that have finished. */
  progress: number;
  currentNode: string | null;
  nodes: { nodeId: string; status: string; rowsIn: number; rowsOut: number }[];
  error?: string;
}

export interface PipelineLogEvent {
  pipelineId: string;
  executionId: string;
  timestamp: string;
  level: "DEBUG" | "INFO" | "WARNING" | "ERROR";
  nodeId: string | null;
  message: string;
}
