import "server-only";
import { subscribe } from "../../events/bus";
import type { PipelineLogEvent, PipelineProgressEvent } from "../../events/catalogue";
import type { Principal } from "../principal";
import { loadPipeline } from "./crud";

export type PipelineLiveEvent = ({ kind: "progress" } & PipelineProgressEvent) | ({ kind: "log" } & PipelineLogEvent);

/**
 * Follows a pipeline's executions as they run (progress per node, log lines), for the
 * canvas (tRPC subscription) and /ws/pipeline/:id. Access is checked once, up front;
 * the returned function stops following.
 */
export async function watchPipeline(principal: Principal, pipelineId: string, onEvent: (event: PipelineLiveEvent) => void): Promise<() => void> {
  await loadPipeline(principal, pipelineId);
  const stops = [
    subscribe("pipeline.progress", pipelineId, (e) => onEvent({ kind: "progress", ...e })),
    subscribe("pipeline.log", pipelineId, (e) => onEvent({ kind: "log", ...e })),
  ];
  return () => stops.forEach((stop) => stop());
}

/** The same as an async iterable that ends when `signal` aborts (tRPC subscriptions). */
export async function* pipelineFeed(principal: Principal, pipelineId: string, signal: AbortSignal): AsyncGenerator<PipelineLiveEvent> {
  const queue: PipelineLiveEvent[] = [];
  let wake: (() => void) | null = null;
  const stop = await watchPipeline(principal, pipelineId, (event) => {
    // A slow reader drops the oldest progress ticks first; the next tick supersedes them.
    const oldest = queue.length > 1000 ? queue.findIndex((e) => e.kind === "progress") : -1;
    if (oldest >= 0) queue.splice(oldest, 1);
    queue.push(event);
    wake?.();
  });
  const aborted = new Promise<void>((r) => signal.addEventListener("abort", () => r(), { once: true }));
  try {
    while (!signal.aborted) {
      const next = queue.shift();
      if (next) {
        yield next;
        continue;
      }
      await Promise.race([new Promise<void>((r) => (wake = r)), aborted]);
      wake = null;
    }
  } finally {
    stop();
  }
}
