"use client";
import { Alert, Anchor, Badge, Box, Button, Center, Group, Loader, Paper, Stack, Tabs, Text } from "@mantine/core";
import { IconAlertTriangle, IconChartBar, IconCheck, IconCode, IconTable } from "@tabler/icons-react";
import dynamic from "next/dynamic";
import Link from "next/link";
import { useState } from "react";
import { ResultsGrid } from "@/components/results/results-grid";
import { SqlCode } from "@/components/results/sql-code";
import type { ResultColumn } from "@/components/results/types";
import type { AnswerView } from "./types";

// recharts loads only when an answer shows a chart
const ResultsChart = dynamic(() => import("@/components/results/results-chart"), {
  ssr: false,
  loading: () => (
    <Center h="100%">
      <Loader size="sm" type="dots" aria-label="Loading the chart" />
    </Center>
  ),
});

const STEPS = [
  ["understanding", "Understanding"],
  ["sql", "SQL"],
  ["rows", "Rows"],
  ["chart", "Chart"],
] as const;

/** Where the answer's SQL opens in the editor (a new tab there). */
export const editorHref = (sql: string, dataSourceId?: string | null) =>
  `/editor?${new URLSearchParams({ sql, ...(dataSourceId ? { source: dataSourceId } : {}) }).toString()}`;

function Steps({ a }: { a: AnswerView }) {
  if (!a.steps) return null;
  const live = a.status === "streaming";
  return (
    <Group gap="xs" data-testid="chat-steps">
      {STEPS.filter(([k]) => k !== "chart" || a.steps!.chart || live).map(([key, label]) => {
        const done = a.steps![key];
        const failed = a.failedStep === key;
        return (
          <Badge key={key} variant={done ? "light" : "outline"} color={failed ? "red" : done ? "teal" : "gray"} data-step={key} data-done={done}
            leftSection={failed ? <IconAlertTriangle size={12} /> : done ? <IconCheck size={12} /> : live ? <Loader size={10} /> : null}>
            {label}
          </Badge>
        );
      })}
    </Group>
  );
}

/** One answer: how it was understood, the SQL (open in the editor), the rows and a chart. */
export function AnswerCard({ a }: { a: AnswerView }) {
  const [tab, setTab] = useState<string | null>(null);
  const columns = (a.result?.columns ?? []) as ResultColumn[];
  const rows = a.result?.rows ?? [];
  const shown = tab ?? (a.chart ? "chart" : "table");
  return (
    <Paper withBorder p="sm" radius="md" data-testid="chat-answer" data-status={a.status}>
      <Stack gap="xs">
        <Group justify="space-between" wrap="nowrap">
          <Group gap="xs">
            <Badge variant="light" color={a.engine === "provider" ? "grape" : "blue"}>{a.engine === "provider" ? (a.model ?? "model") : "built-in engine"}</Badge>
            {a.tokens && <Text size="xs" c="dimmed" data-testid="chat-tokens">{a.tokens.prompt + a.tokens.completion} tokens ({a.tokens.prompt} in, {a.tokens.completion} out)</Text>}
          </Group>
          <Steps a={a} />
        </Group>
        {a.status === "answered" && a.content && !a.understoodAs && <Text size="xs" c="dimmed" data-testid="chat-summary">{a.content}</Text>}
        {a.understoodAs && <Text size="xs" c="dimmed" data-testid="chat-understood">Understood as “{a.understoodAs}”{a.changes?.length ? ` — ${a.changes.join("; ")}` : ""}</Text>}
        {a.status === "streaming" && a.streamed && !a.sql && (
          <Text size="sm" ff="monospace" style={{ whiteSpace: "pre-wrap" }} data-testid="chat-stream">{a.streamed}</Text>
        )}
        {a.sql && (
          <Box>
            <SqlCode sql={a.sql} maxHeight={200} />
            <Group mt={6} gap="xs">
              <Button component={Link} href={editorHref(a.sql, a.dataSourceId)} size="compact-xs" variant="light" leftSection={<IconCode size={14} />} data-testid="chat-open-editor">
                Open in editor
              </Button>
              {a.result && <Text size="xs" c="dimmed">{a.result.rowCount.toLocaleString()} rows{a.result.truncated ? " (first rows shown)" : ""}{a.result.executionTimeMs !== null ? ` · ${a.result.executionTimeMs} ms` : ""}</Text>}
            </Group>
          </Box>
        )}
        {a.status === "pending_approval" && (
          <Alert color="orange" data-testid="chat-approval">
            {a.content} <Anchor component={Link} href="/approvals" size="sm">Open approvals</Anchor>
          </Alert>
        )}
        {a.status === "unanswered" && <Alert color="yellow" data-testid="chat-unanswered">{a.content}</Alert>}
        {a.error && (
          <Alert color="red" icon={<IconAlertTriangle size={16} />} data-testid="chat-error">
            {a.failedStep ? `${STEPS.find(([k]) => k === a.failedStep)?.[1] ?? a.failedStep} failed: ` : ""}{a.error}
          </Alert>
        )}
        {a.result && (
          <Tabs value={shown} onChange={setTab} keepMounted={false}>
            <Tabs.List>
              <Tabs.Tab value="table" leftSection={<IconTable size={14} />}>Table</Tabs.Tab>
              <Tabs.Tab value="chart" leftSection={<IconChartBar size={14} />} data-testid="chat-chart-tab">Chart</Tabs.Tab>
            </Tabs.List>
            <Tabs.Panel value="table">
              <Box h={Math.min(320, 60 + rows.length * 30)} data-testid="chat-table">
                <ResultsGrid columns={columns} rows={rows} label="Answer rows" />
              </Box>
            </Tabs.Panel>
            <Tabs.Panel value="chart">
              <Box h={320} data-testid="chat-chart">
                <ResultsChart columns={columns} rows={rows} preferred={a.chart === "bar" || a.chart === "line" || a.chart === "pie" ? a.chart : undefined} />
              </Box>
            </Tabs.Panel>
          </Tabs>
        )}
      </Stack>
    </Paper>
  );
}
