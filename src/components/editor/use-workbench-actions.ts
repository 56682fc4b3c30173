"use client";
import { notifications } from "@mantine/notifications";
import { useMutation } from "@tanstack/react-query";
import { useCallback, useState } from "react";
import { useTRPC } from "@/lib/trpc";
import type { EditorApi, RunMode, RunTarget } from "./monaco/editor-api";
import { statementAt } from "@/lib/sql-statements";
import { parameterNames } from "@/lib/sql-parameters";
import { editorParameterValue } from "./parameter-bar";
import { errorInfo } from "@/components/ui/feedback";
import type { DataSource, QueryRun } from "./types";
import { modelPath, type useEditorTabs } from "./tabs/use-editor-tabs";
import type { useQueryRunner } from "./run/use-query-runner";

interface Deps {
  api: EditorApi | null;
  source: DataSource | null;
  sources: readonly DataSource[] | undefined;
  chooseSource: (id: string) => void;
  tabs: ReturnType<typeof useEditorTabs>;
  runner: ReturnType<typeof useQueryRunner>;
  /** The values typed in the parameter bar, by name. */
  parameterValues?: Record<string, string>;
}

/** What the toolbar, shortcuts and side panels ask the workbench to do. */
export function useWorkbenchActions({ api, source, sources, chooseSource, tabs, runner, parameterValues }: Deps) {
  const trpc = useTRPC();
  const [errorLocation, setErrorLocation] = useState<{ line: number; column: number } | null>(null);
  const format = useMutation(trpc.queries.format.mutationOptions());

  const runTarget = useCallback(
    async (target: RunTarget) => {
      if (!source) {
        notifications.show({ color: "yellow", title: "No data source", message: "Pick a data source to run against." });
        return;
      }
      api?.clearMarkers();
      setErrorLocation(null);
      api?.showRunning(target);
      const names = parameterNames(target.sql);
      const values = names.length
        ? Object.fromEntries(names.map((n) => [n, editorParameterValue(parameterValues?.[n] ?? "")]))
        : undefined;
      const outcome = await runner.run({ dataSourceId: source.id, sql: target.sql, values });
      if (!outcome) return;
      api?.showRunning(null);
      if (outcome.kind === "error" && api) {
        setErrorLocation(api.markError(target, outcome.error.message, outcome.error.details));
      }
      if (outcome.kind === "approval") {
        notifications.show({
          color: "orange",
          title: `Submitted for approval (risk: ${outcome.approval.riskLevel})`,
          message: "This statement changes data, so it waits for review. Follow it in Approvals.",
          autoClose: 8000,
        });
      }
    },
    [api, runner, source, parameterValues],
  );

  const run = useCallback(
    (mode: RunMode) => {
      if (!api) return;
      const target = api.runTarget(mode);
      if (!target) {
        notifications.show({
          color: "gray",
          title: "Nothing to run",
          message: mode === "selection" ? "Select the SQL to run first." : "Write a statement first.",
          autoClose: 2500,
        });
        return;
      }
      void runTarget(target);
    },
    [api, runTarget],
  );

  const formatSql = useCallback(async () => {
    if (!api || !source) return;
    const selection = api.hasSelection() ? api.runTarget("selection") : null;
    const sql = selection?.sql ?? api.getValue();
    if (!sql.trim()) return;
    try {
      const formatted = await format.mutateAsync({ dataSourceId: source.id, sql });
      api.replace(formatted.sql, selection ? "selection" : "all");
    } catch (error) {
      notifications.show({ color: "red", title: "Could not format", message: errorInfo(error).message });
    }
  }, [api, source, format]);

  const adoptSource = useCallback(
    (dataSourceId: string | null) => {
      if (dataSourceId && dataSourceId !== source?.id && sources?.some((s) => s.id === dataSourceId)) chooseSource(dataSourceId);
    },
    [source, sources, chooseSource],
  );

  const loadFromHistory = useCallback(
    (run: QueryRun) => {
      adoptSource(run.dataSourceId);
      // A saved query's tab keeps its text; history then opens beside it.
      const dataSourceId = sources?.some((s) => s.id === run.dataSourceId) ? (run.dataSourceId ?? undefined) : undefined;
      if (tabs.activeTab.savedQueryId || !api) tabs.open({ sql: run.sql, dataSourceId });
      else {
        api.replace(run.sql, "all");
        if (dataSourceId) tabs.update(tabs.activeTab.id, { dataSourceId });
      }
    },
    [api, tabs, sources, adoptSource],
  );

  const openStoredResult = useCallback(
    async (run: QueryRun) => {
      try {
        const result = await runner.loadResult(run.id);
        runner.show({ kind: "done", result });
      } catch (error) {
        notifications.show({ color: "red", title: "Result unavailable", message: errorInfo(error).message });
      }
    },
    [runner],
  );

  const openSaved = useCallback(
    (query: { title: string; sql: string; dataSourceId: string | null; savedQueryId?: string }) => {
      adoptSource(query.dataSourceId);
      const open = query.savedQueryId ? tabs.tabs.find((t) => t.savedQueryId === query.savedQueryId) : undefined;
      if (open) tabs.select(open.id);
      else tabs.open({ title: query.title, sql: query.sql, savedQueryId: query.savedQueryId, dataSourceId: query.dataSourceId ?? undefined });
    },
    [tabs, adoptSource],
  );

  /** The schema browser's "SELECT * … LIMIT 100": a new tab that runs at once. */
  const queryTable = useCallback(
    (sql: string, title: string) => {
      const id = tabs.open({ title, sql, dataSourceId: source?.id });
      const span = statementAt(sql, 0);
      if (span) void runTarget({ sql: span.text, baseOffset: span.start, modelUri: modelPath(id) });
    },
    [tabs, runTarget, source],
  );

  const insert = useCallback((text: string) => api?.insertAtCursor(text), [api]);

  const revealError = useCallback(() => {
    if (errorLocation) api?.reveal(errorLocation.line, errorLocation.column);
  }, [api, errorLocation]);

  return {
    run,
    formatSql,
    formatting: format.isPending,
    loadFromHistory,
    openStoredResult,
    openSaved,
    queryTable,
    insert,
    errorLocation,
    revealError,
  };
}
