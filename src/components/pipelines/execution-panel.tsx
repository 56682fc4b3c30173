"use client";
import { BarChart } from "@mantine/charts";
import { Badge, ColorSwatch, Group, ScrollArea, Select, Stack, Table, Text } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "@/lib/trpc";

const COMPACT = new Intl.NumberFormat("en", { notation: "compact", maximumFractionDigits: 1 });
/** Short enough for the axis: under a second in whole milliseconds (0.015 → 15ms). */
const secondsTick = (v: number) => (v > 0 && v < 1 ? `${Math.round(v * 1000)}ms` : `${v}s`);
const STATUS_COLOR: Record<string, string> = { running: "blue", pending: "gray", success: "teal", failed: "red", cancelled: "gray" };

/** Execution history of a pipeline: per-node rows and time (table and chart) and the log. */
export function ExecutionPanel({ pipelineId, latest }: { pipelineId: string; latest: string | null }) {
  const trpc = useTRPC();
  const [picked, setPicked] = useState<string | null>(null);
  const history = useQuery(trpc.pipelines.executions.queryOptions({ pipelineId, page: 1, pageSize: 20 }, { refetchInterval: 5000 }));
  const executionId = picked ?? latest ?? history.data?.executions[0]?.id ?? null;
  const detail = useQuery({ ...trpc.pipelines.execution.queryOptions({ id: executionId ?? "" }), enabled: Boolean(executionId), refetchInterval: 2000 });
  const logs = useQuery({ ...trpc.pipelines.logs.queryOptions({ id: executionId ?? "" }), enabled: Boolean(executionId), refetchInterval: 2000 });
  const nodes = detail.data?.metrics.nodes ?? [];
  if (!history.data?.executions.length) return <Text size="sm" c="dimmed">No executions yet.</Text>;
  return (
    <Stack gap="xs" data-testid="execution-panel">
      <Group>
        <Select
          aria-label="Execution"
          size="xs"
          w={320}
          value={executionId}
          onChange={setPicked}
          data={history.data.executions.map((e) => ({ value: e.id, label: `${new Date(e.created_at).toLocaleString()} · ${e.status} · ${e.rows_processed} rows` }))}
        />
        {detail.data && (
          <Badge color={STATUS_COLOR[detail.data.status] ?? "gray"} data-testid="execution-status">
            {detail.data.status}
          </Badge>
        )}
        {detail.data?.error_message && (
          <Text size="xs" c="red">
            {detail.data.error_message}
          </Text>
        )}
      </Group>
      <Group align="flex-start" grow>
        <Table striped withTableBorder fz="xs" data-testid="execution-metrics">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Node</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th>Rows in</Table.Th>
              <Table.Th>Rows out</Table.Th>
              <Table.Th>Seconds</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {nodes.map((n) => (
              <Table.Tr key={n.node_id}>
                <Table.Td>{n.node_id}</Table.Td>
                <Table.Td>{n.status}</Table.Td>
                <Table.Td>{n.rows_input}</Table.Td>
                <Table.Td>{n.rows_output}</Table.Td>
                <Table.Td>{n.duration_seconds.toFixed(2)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        {nodes.length > 0 && (
          <Stack gap={4}>
            <Group gap="md" justify="center">
              <Group gap={6}>
                <ColorSwatch color="var(--mantine-color-blue-6)" size={10} />
                <Text size="xs">rows out</Text>
              </Group>
              <Group gap={6}>
                <ColorSwatch color="var(--mantine-color-orange-6)" size={10} />
                <Text size="xs">seconds</Text>
              </Group>
            </Group>
            <BarChart
              h={160}
              data={nodes.map((n) => ({ node: n.node_id, rows: n.rows_output, seconds: n.duration_seconds }))}
              dataKey="node"
              series={[
                { name: "rows", color: "blue.6" },
                // Seconds on their own axis: beside a million rows they would not show at all.
                { name: "seconds", color: "orange.6", yAxisId: "right" },
              ]}
              withRightYAxis
              yAxisProps={{ tickFormatter: (v: number) => COMPACT.format(v), width: 48 }}
              rightYAxisProps={{ tickFormatter: secondsTick, width: 64 }}
            />
          </Stack>
        )}
      </Group>
      <ScrollArea h={140} type="auto" data-testid="execution-logs">
        {(logs.data?.logs ?? []).map((l, i) => (
          <Text key={i} size="xs" ff="monospace" c={l.level === "ERROR" ? "red" : l.level === "WARNING" ? "orange" : undefined}>
            {l.timestamp.slice(11, 19)} {l.level.padEnd(7)} {l.node_id ?? "-"} {l.message}
          </Text>
        ))}
      </ScrollArea>
    </Stack>
  );
}
