"use client";
import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useRef, useState } from "react";
import { useTRPC, useTRPCClient } from "@/lib/trpc";
import { followQuery, type FinalEvent } from "./query-follow";
import { errorInfo, type AppErrorInfo } from "@/components/ui/feedback";
import type { Approval, QueryResult } from "../types";

export type RunOutcome =
  | { kind: "done"; result: QueryResult }
  | { kind: "error"; error: AppErrorInfo; queryId?: string }
  | { kind: "cancelled"; queryId?: string }
  | { kind: "approval"; approval: Approval };

export interface RunningState {
  queryId: string | null;
  startedAt: number;
  progress: number;
  stage: "submitting" | "executing" | "loading";
}

export interface RunnerState {
  running: RunningState | null;
  /** The last finished run; kept on screen (dimmed) while the next one runs. */
  outcome: RunOutcome | null;
}

/** Rows fetched per result; the server keeps at most QUARRY_QUERY_MAX_ROWS. */
const RESULT_PAGE = 10_000;

/**
 * Runs SQL the way the editor wants it: `queries.execute` without waiting, the live
 * status over the WebSocket (polling when it fails), then the rows.
 */
export function useQueryRunner() {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const queryClient = useQueryClient();
  const [state, setState] = useState<RunnerState>({ running: null, outcome: null });
  const generation = useRef(0);
  const active = useRef<{ queryId: string | null; cancelRequested: boolean; stop: (() => void) | null }>({
    queryId: null,
    cancelRequested: false,
    stop: null,
  });

  useEffect(() => () => active.current.stop?.(), []);

  const patchRunning = useCallback((patch: Partial<RunningState>) => {
    setState((s) => (s.running ? { ...s, running: { ...s.running, ...patch } } : s));
  }, []);

  const loadResult = useCallback(
    async (queryId: string): Promise<QueryResult> => {
      const [page, run] = await Promise.all([
        client.queries.results.query({ id: queryId, page: 1, pageSize: RESULT_PAGE }),
        client.queries.get.query({ id: queryId }),
      ]);
      return {
        queryId,
        columns: page.columns,
        rows: page.rows,
        rowCount: Math.max(run.rowCount, page.rows.length),
        truncated: page.truncated || run.truncated,
        truncatedReason: run.truncatedReason,
        storedPartial: page.storedPartial,
        executionTimeMs: run.executionTimeMs,
        warnings: [],
      };
    },
    [client],
  );

  const follow = useCallback(
    (queryId: string, isCurrent: () => boolean) =>
      new Promise<FinalEvent>((resolve) => {
        active.current.stop = followQuery(queryId, {
          onProgress: (progress) => isCurrent() && patchRunning({ progress: Math.max(progress, 10) }),
          onFinal: resolve,
          poll: () => client.queries.get.query({ id: queryId }),
        });
      }),
    [client, patchRunning],
  );

  const run = useCallback(
    async (input: { dataSourceId: string; sql: string; values?: Record<string, string | number> }): Promise<RunOutcome | null> => {
      active.current.stop?.();
      const mine = ++generation.current;
      const isCurrent = () => generation.current === mine;
      active.current = { queryId: null, cancelRequested: false, stop: null };
      setState((s) => ({ ...s, running: { queryId: null, startedAt: Date.now(), progress: 4, stage: "submitting" } }));

      const settle = (outcome: RunOutcome): RunOutcome | null => {
        if (!isCurrent()) return null;
        setState({ running: null, outcome });
        void queryClient.invalidateQueries({ queryKey: trpc.queries.history.pathKey() });
        return outcome;
      };

      let queryId: string | undefined;
      try {
        // SQL with parameter markers goes with its values; the server binds them.
        const response = input.values
          ? await client.templates.execute.mutate({ dataSourceId: input.dataSourceId, sql: input.sql, values: input.values, wait: false, source: "editor" })
          : await client.queries.execute.mutate({ dataSourceId: input.dataSourceId, sql: input.sql, wait: false, source: "editor" });
        if (!isCurrent()) return null;
        if (response.type === "approval") return settle({ kind: "approval", approval: response.approval });
        if (response.type === "result") {
          return settle({ kind: "done", result: { ...response.result, queryId: response.result.id } });
        }
        queryId = response.run.id;
        active.current.queryId = queryId;
        patchRunning({ queryId, stage: "executing", progress: 10 });
        if (active.current.cancelRequested) void client.queries.cancel.mutate({ id: queryId }).catch(() => undefined);

        const final = await follow(queryId, isCurrent);
        if (!isCurrent()) return null;
        if (final.status === "cancelled") return settle({ kind: "cancelled", queryId });
        if (final.status !== "completed") {
          // A socket that joined after the end only knows the status; the run has the reason.
          const reason = final.error ?? (await client.queries.get.query({ id: queryId }).then((r) => r.error, () => null));
          if (!isCurrent()) return null;
          const message = reason ?? (final.status === "rejected" ? "The statement was refused" : "The query failed");
          return settle({ kind: "error", queryId, error: { message, details: final.details, fieldErrors: {} } });
        }
        patchRunning({ stage: "loading", progress: 90 });
        return settle({ kind: "done", result: await loadResult(queryId) });
      } catch (error) {
        return settle({ kind: "error", queryId, error: errorInfo(error, "The query could not be run") });
      }
    },
    [client, follow, loadResult, patchRunning, queryClient, trpc],
  );

  const cancel = useCallback(async () => {
    const { queryId } = active.current;
    if (!queryId) {
      active.current.cancelRequested = true;
      return;
    }
    try {
      await client.queries.cancel.mutate({ id: queryId });
    } catch {
      // Already finished: the status that arrives says so.
    }
  }, [client]);

  /** Shows a result that came from elsewhere (a history entry's stored rows). */
  const show = useCallback((outcome: RunOutcome) => {
    active.current.stop?.();
    generation.current += 1;
    setState({ running: null, outcome });
  }, []);

  /**
   * Forgets what is on screen (the data source changed: the old source's rows must not
   * stay under the new name). A run still in flight stops being followed.
   */
  const clear = useCallback(() => {
    active.current.stop?.();
    generation.current += 1;
    setState({ running: null, outcome: null });
  }, []);

  return { state, run, cancel, show, clear, loadResult };
}
