"use client";
import "@mantine/charts/styles.css";
import { BarChart } from "@mantine/charts";
import { Alert, Badge, Group, Paper, SimpleGrid, Stack, Table, Text, Title } from "@mantine/core";
import { IconGauge } from "@tabler/icons-react";
import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "@/lib/trpc";
import { errorInfo } from "@/components/ui/feedback";
import { StatCard } from "./stat-card";
import { TimeSeriesChart } from "./time-series-chart";

const n = (v: number) => v.toLocaleString();
const left = (remaining: number | null, limit: number | null) => (limit === null ? "no limit" : `${n(remaining ?? 0)} of ${n(limit)} left`);
const share = (used: number, limit: number | null) => (limit ? used / limit : null);

/** The signed-in user's usage: AI calls and tokens today and this month, limits left, per day, per model, recent calls. */
export function UsageDashboard() {
  const trpc = useTRPC();
  const dash = useQuery(trpc.usage.dashboard.queryOptions());
  const queries = useQuery(trpc.usage.usage.queryOptions({ days: 30 }));
  if (dash.error) return <Alert color="red">{errorInfo(dash.error).message}</Alert>;
  const d = dash.data;
  const l = d?.limits;
  return (
    <Stack gap="lg" p="md" maw={1280}>
      <Group gap="sm">
        <IconGauge size={24} stroke={1.7} />
        <Title order={1} size="h2">Usage</Title>
        {l && <Badge color={l.allowed ? "teal" : "red"} variant="light" data-testid="usage-limit-state">{l.allowed ? "within limits" : "limit reached"}</Badge>}
      </Group>
      {l && !l.allowed && <Alert color="red" data-testid="usage-limit-reason">{l.reason}. Questions the built-in engine understands are still answered.</Alert>}
      <SimpleGrid cols={{ base: 2, md: 4 }}>
        <StatCard testId="usage-calls-today" label="AI calls today" value={d ? n(d.today.calls) : "…"} hint={d ? `${n(d.today.modelCalls)} by a model, ${n(d.today.builtinCalls)} built in` : undefined} />
        <StatCard testId="usage-tokens-today" label="Tokens today" value={d ? n(d.today.totalTokens) : "…"} hint={l ? left(l.daily.tokensRemaining, l.daily.tokensLimit) : undefined} used={l ? share(l.daily.tokensUsed, l.daily.tokensLimit) : null} />
        <StatCard testId="usage-tokens-month" label="Tokens this month" value={d ? n(d.month.totalTokens) : "…"} hint={l ? left(l.monthly.tokensRemaining, l.monthly.tokensLimit) : undefined} used={l ? share(l.monthly.tokensUsed, l.monthly.tokensLimit) : null} />
        <StatCard testId="usage-queries" label="Queries (30 days)" value={queries.data ? n(queries.data.totals.queries) : "…"} hint={queries.data ? `avg ${n(queries.data.summary.avgExecutionTimeMs)} ms` : undefined} />
      </SimpleGrid>
      <Paper withBorder p="md" radius="md">
        <Text fw={600} mb="sm">Tokens and AI calls per day</Text>
        {d && <TimeSeriesChart testId="usage-daily-chart" points={d.last30Days.daily} left={{ key: "totalTokens", label: "Tokens", color: "grape.6" }} right={{ key: "calls", label: "AI calls", color: "blue.6" }} />}
      </Paper>
      <Paper withBorder p="md" radius="md">
        <Text fw={600} mb="sm">Queries per day</Text>
        {queries.data && <TimeSeriesChart testId="usage-queries-chart" points={queries.data.daily} left={{ key: "queries", label: "Queries", color: "quarry.6" }} right={{ key: "avgExecutionTimeMs", label: "Avg time (ms)", color: "orange.6" }} />}
      </Paper>
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Paper withBorder p="md" radius="md">
          <Text fw={600} mb="sm">By model (30 days)</Text>
          {d && d.last30Days.byModel.length > 0 ? (
            <BarChart h={220} data={d.last30Days.byModel.map((m) => ({ model: m.key, Calls: m.calls }))} dataKey="model" series={[{ name: "Calls", color: "blue.6" }]} data-testid="usage-by-model" />
          ) : <Text size="sm" c="dimmed">No calls yet.</Text>}
        </Paper>
        <Paper withBorder p="md" radius="md">
          <Text fw={600} mb="sm">By purpose (30 days)</Text>
          <Table data-testid="usage-by-purpose">
            <Table.Thead><Table.Tr><Table.Th>Purpose</Table.Th><Table.Th ta="right">Calls</Table.Th><Table.Th ta="right">Tokens</Table.Th></Table.Tr></Table.Thead>
            <Table.Tbody>
              {d?.last30Days.byPurpose.map((p) => <Table.Tr key={p.key}><Table.Td>{p.key}</Table.Td><Table.Td ta="right">{n(p.calls)}</Table.Td><Table.Td ta="right">{n(p.totalTokens)}</Table.Td></Table.Tr>)}
            </Table.Tbody>
          </Table>
        </Paper>
      </SimpleGrid>
      <Paper withBorder p="md" radius="md">
        <Text fw={600} mb="sm">Recent calls</Text>
        <Table striped data-testid="usage-recent">
          <Table.Thead><Table.Tr><Table.Th>When</Table.Th><Table.Th>Purpose</Table.Th><Table.Th>Model</Table.Th><Table.Th>Question</Table.Th><Table.Th ta="right">Tokens</Table.Th><Table.Th ta="right">ms</Table.Th><Table.Th>Outcome</Table.Th></Table.Tr></Table.Thead>
          <Table.Tbody>
            {d?.recentCalls.map((c) => (
              <Table.Tr key={c.id} data-testid="usage-call">
                <Table.Td>{new Date(c.createdAt).toLocaleString()}</Table.Td><Table.Td>{c.purpose}</Table.Td><Table.Td>{c.model}</Table.Td>
                <Table.Td maw={360} style={{ overflow: "hidden", textOverflow: "ellipsis", whiteSpace: "nowrap" }}>{c.question}</Table.Td>
                <Table.Td ta="right">{n(c.promptTokens + c.completionTokens)}</Table.Td><Table.Td ta="right">{n(c.latencyMs)}</Table.Td><Table.Td>{c.outcome}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Paper>
    </Stack>
  );
}
