"use client";
import { Center, Group, Loader, Progress, Tabs, Text } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { notifications } from "@mantine/notifications";
import { IconChartBar, IconTable } from "@tabler/icons-react";
import dynamic from "next/dynamic";
import { memo, useCallback, useEffect, useRef, useState } from "react";
import type { ChartSpec } from "@/components/results/chart-suggest";
import { ResultsActions } from "./results-actions";
import { ResultsFooter } from "./results-footer";
import { ResultsGrid, type CopyScope, type ResultsGridHandle } from "@/components/results/results-grid";
import { ApprovalMessage, CancelledMessage, ErrorMessage, IdleMessage } from "./results-message";
import { RunOverlay } from "./run-overlay";
import { ShareModal } from "./share-modal";
import { shortcut } from "../shortcuts";
import type { RunnerState } from "./use-query-runner";
import classes from "../workbench.module.css";

// Charts pull in recharts; only people who open the Chart tab pay for it.
const ResultsChart = dynamic(() => import("@/components/results/results-chart"), {
  ssr: false,
  loading: () => (
    <Center h="100%">
      <Loader size="sm" type="dots" aria-label="Loading the chart" />
    </Center>
  ),
});

interface ResultsPanelProps {
  state: RunnerState;
  errorLocation: { line: number; column: number } | null;
  onCancel: () => void;
  onRevealError: () => void;
  /** The chart saved with the tab's query: the results open on it. */
  savedChart?: ChartSpec | null;
  onChartChange?: (spec: ChartSpec) => void;
}

const COPY_LABEL: Record<CopyScope, string> = {
  cell: "Cell copied",
  selection: "Selection copied",
  "selection-with-headers": "Selection copied with headers",
  all: "All rows copied",
};

export const ResultsPanel = memo(function ResultsPanel({ state, errorLocation, onCancel, onRevealError, savedChart, onChartChange }: ResultsPanelProps) {
  const [view, setView] = useState<"grid" | "chart">("grid");
  const savedChartKey = savedChart ? JSON.stringify(savedChart) : null;
  useEffect(() => {
    if (savedChartKey) setView("chart");
  }, [savedChartKey]);
  const [shareOpened, share] = useDisclosure(false);
  const grid = useRef<ResultsGridHandle>(null);
  const { running, outcome } = state;
  const result = outcome?.kind === "done" ? outcome.result : null;

  const onCopied = useCallback((rows: number, scope: CopyScope) => {
    notifications.show({
      id: "grid-copy",
      color: "teal",
      title: COPY_LABEL[scope],
      message: `${rows.toLocaleString()} ${rows === 1 ? "row" : "rows"} as tab-separated text`,
      autoClose: 1800,
    });
  }, []);
  const onCopyFailed = useCallback((error: unknown) => {
    notifications.show({ color: "red", title: "Could not copy", message: error instanceof Error ? error.message : "The browser refused" });
  }, []);

  const gridLayer = result && (
    <div className={classes.gridLayer} data-hidden={view === "chart" ? "" : undefined}>
      <ResultsGrid
        key={result.queryId}
        ref={grid}
        columns={result.columns}
        rows={result.rows}
        partial={result.truncated || result.storedPartial || result.rows.length < result.rowCount}
        onCopied={onCopied}
        onCopyFailed={onCopyFailed}
      />
    </div>
  );

  let body;
  if (!outcome) body = running ? null : <IdleMessage />;
  else if (outcome.kind === "error") body = <ErrorMessage error={outcome.error} location={errorLocation} onReveal={onRevealError} />;
  else if (outcome.kind === "cancelled") body = <CancelledMessage />;
  else if (outcome.kind === "approval") body = <ApprovalMessage approval={outcome.approval} />;
  // The grid stays mounted under the chart, so its sort, widths and selection survive.
  else
    body = (
      <>
        {gridLayer}
        {view === "chart" && <ResultsChart
            key={outcome.result.queryId}
            columns={outcome.result.columns}
            rows={outcome.result.rows}
            initial={savedChart}
            onSpecChange={onChartChange}
          />}
      </>
    );

  return (
    <section className={classes.results} aria-label="Results">
      <Group className={classes.resultsHeader} justify="space-between" wrap="nowrap" gap="xs">
        <Tabs value={view} onChange={(v) => setView(v === "chart" ? "chart" : "grid")} variant="pills" radius="md">
          <Tabs.List>
            <Tabs.Tab value="grid" leftSection={<IconTable size={15} />} className={classes.viewTab}>
              Grid
            </Tabs.Tab>
            <Tabs.Tab value="chart" leftSection={<IconChartBar size={15} />} className={classes.viewTab}>
              Chart
            </Tabs.Tab>
          </Tabs.List>
        </Tabs>
        {result && (
          <ResultsActions
            queryId={result.queryId}
            canCopy={view === "grid" && result.rows.length > 0}
            onCopy={(scope) => void grid.current?.copy(scope)}
            onShare={share.open}
          />
        )}
      </Group>
      <div className={classes.progressSlot}>{running && <Progress value={100} animated size={2} radius={0} aria-hidden />}</div>
      <div className={classes.resultsBody} data-busy={running ? "" : undefined}>
        <div className={classes.resultsContent}>{body}</div>
        {running && <RunOverlay running={running} onCancel={onCancel} />}
      </div>
      <Group className={classes.resultsFooter} justify="space-between" wrap="nowrap">
        {result ? (
          <ResultsFooter result={result} />
        ) : (
          <Text size="xs" c="dimmed">
            {running ? "Running…" : outcome?.kind === "error" ? "Failed" : "No result yet"}
          </Text>
        )}
        {result && view === "grid" && result.rows.length > 0 && (
          <Text size="xs" c="dimmed" visibleFrom="md">
            Click a header to sort · drag to select · {shortcut("Mod+C")} copies
          </Text>
        )}
      </Group>
      {result && <ShareModal queryId={result.queryId} rowCount={result.rows.length} opened={shareOpened} onClose={share.close} />}
    </section>
  );
});
