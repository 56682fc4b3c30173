"use client";
import { ActionIcon, Alert, Group, ScrollArea, Skeleton, Stack, Text, TextInput, Tooltip, UnstyledButton } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { IconAlertCircle, IconHistory, IconRefresh, IconSearch, IconTable } from "@tabler/icons-react";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { memo, useState } from "react";
import { useTRPC } from "@/lib/trpc";
import { formatDuration } from "../run/elapsed";
import classes from "./sidebar.module.css";
import { absoluteTime, relativeTime } from "@/components/ui/format";
import { errorInfo } from "@/components/ui/feedback";
import type { QueryRun } from "../types";

const STATUS_COLOR: Record<string, string> = {
  completed: "var(--mantine-color-teal-6)",
  failed: "var(--mantine-color-red-6)",
  cancelled: "var(--mantine-color-gray-5)",
  rejected: "var(--mantine-color-orange-6)",
  running: "var(--mantine-color-blue-6)",
};

interface HistoryPanelProps {
  onLoad: (run: QueryRun) => void;
  onOpenResult: (run: QueryRun) => void;
}

/** The caller's recent runs; a click puts the SQL back in the editor. */
export const HistoryPanel = memo(function HistoryPanel({ onLoad, onOpenResult }: HistoryPanelProps) {
  const trpc = useTRPC();
  const [search, setSearch] = useState("");
  const [debounced] = useDebouncedValue(search.trim(), 250);
  const history = useQuery(
    trpc.queries.history.queryOptions({ page: 1, pageSize: 50, search: debounced || undefined }, { placeholderData: keepPreviousData, staleTime: 5_000 }),
  );

  return (
    <Stack gap={0} h="100%">
      <Group px="sm" pt="sm" pb={8} gap={6} wrap="nowrap">
        <TextInput
          size="xs"
          style={{ flex: 1 }}
          placeholder="Search your history"
          aria-label="Search history"
          leftSection={<IconSearch size={14} />}
          value={search}
          onChange={(e) => setSearch(e.currentTarget.value)}
        />
        <Tooltip label="Refresh" withArrow>
          <ActionIcon variant="default" size={30} onClick={() => void history.refetch()} loading={history.isFetching} aria-label="Refresh history">
            <IconRefresh size={15} />
          </ActionIcon>
        </Tooltip>
      </Group>
      <ScrollArea style={{ flex: 1 }} scrollbars="y" type="hover">
        <Stack gap={2} px={6} pb="sm" data-testid="history-list">
          {history.isPending && <ListSkeleton />}
          {history.isError && (
            <Alert m="xs" color="red" variant="light" icon={<IconAlertCircle size={16} />}>
              {errorInfo(history.error).message}
            </Alert>
          )}
          {history.data?.items.length === 0 && (
            <Stack align="center" gap={6} py="xl" px="md">
              <IconHistory size={26} stroke={1.4} color="var(--mantine-color-dimmed)" />
              <Text size="sm" c="dimmed" ta="center">
                {debounced ? `No run matches “${debounced}”.` : "Queries you run show up here."}
              </Text>
            </Stack>
          )}
          {history.data?.items.map((run) => <HistoryItem key={run.id} run={run} onLoad={onLoad} onOpenResult={onOpenResult} />)}
          {history.data && history.data.total > history.data.items.length && (
            <Text size="xs" c="dimmed" ta="center" py="xs">
              Showing the latest {history.data.items.length} of {history.data.total.toLocaleString()}; search to find older runs.
            </Text>
          )}
        </Stack>
      </ScrollArea>
    </Stack>
  );
});

function HistoryItem({ run, onLoad, onOpenResult }: { run: QueryRun } & HistoryPanelProps) {
  const meta = [
    relativeTime(run.createdAt),
    run.status === "completed" ? `${run.rowCount.toLocaleString()} ${run.rowCount === 1 ? "row" : "rows"}` : run.status,
    run.executionTimeMs !== null ? formatDuration(run.executionTimeMs) : null,
  ].filter(Boolean);
  return (
    <Group gap={4} wrap="nowrap" align="flex-start" className={classes.savedItem}>
      <UnstyledButton className={classes.listItem} onClick={() => onLoad(run)} title={`${absoluteTime(run.createdAt)} — click to load into the editor`}>
        <Group gap={8} wrap="nowrap" align="flex-start">
          <span className={classes.statusDot} style={{ background: STATUS_COLOR[run.status] ?? "gray", marginTop: 5 }} aria-label={run.status} />
          <Stack gap={2} style={{ minWidth: 0, flex: 1 }}>
            <Text className={classes.sqlPreview}>{preview(run.sql)}</Text>
            <Text size="xs" c={run.status === "failed" ? "red" : "dimmed"} truncate>
              {run.status === "failed" && run.error ? run.error : meta.join(" · ")}
            </Text>
          </Stack>
        </Group>
      </UnstyledButton>
      {run.status === "completed" && (
        <Tooltip label="Show its stored result" withArrow position="left">
          <ActionIcon variant="subtle" color="gray" size="sm" mt={8} className={classes.itemActions} onClick={() => onOpenResult(run)} aria-label="Show stored result">
            <IconTable size={14} />
          </ActionIcon>
        </Tooltip>
      )}
    </Group>
  );
}

/** The SQL without the comment lines it may start with. */
function preview(sql: string): string {
  return sql.replace(/^(\s*--[^\n]*\n)+/, "").trim() || sql;
}

export function ListSkeleton() {
  return (
    <Stack gap={14} p="xs" aria-busy="true">
      {[90, 70, 80, 60, 85].map((w, i) => (
        <Stack key={i} gap={6}>
          <Skeleton h={11} w={`${w}%`} radius="sm" />
          <Skeleton h={9} w="40%" radius="sm" />
        </Stack>
      ))}
    </Stack>
  );
}
