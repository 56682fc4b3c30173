"use client";
import { Alert, Button, Group, NumberInput, Paper, SegmentedControl, Select, SimpleGrid, Stack, Table, Text, Title } from "@mantine/core";
import { IconChartLine } from "@tabler/icons-react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { ROLES } from "@/lib/roles";
import { useTRPC } from "@/lib/trpc";
import { errorInfo, notifyError, notifySuccess } from "@/components/ui/feedback";
import { StatCard } from "./stat-card";
import { TimeSeriesChart } from "./time-series-chart";

const n = (v: number) => v.toLocaleString();
const pct = (v: number) => `${(v * 100).toFixed(1)}%`;

type LimitKey = "dailyTokens" | "monthlyTokens" | "dailyRequests" | "monthlyRequests";

/** Token and request limits per role or per user (admin): empty means no limit; a user's own value wins. */
function LimitsEditor() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const limits = useQuery(trpc.usage.limits.queryOptions());
  const users = useQuery(trpc.users.list.queryOptions({ page: 1, pageSize: 200 }));
  const [scope, setScope] = useState<"role" | "user">("role");
  const [subject, setSubject] = useState<string | null>("analyst");
  const row = limits.data?.find((l) => l.scope === scope && l.subject === subject);
  const [values, setValues] = useState<Partial<Record<LimitKey, number | null>>>({});
  const value = (k: LimitKey) => (k in values ? (values[k] ?? null) : (row?.[k] ?? null));
  const save = useMutation(trpc.usage.setLimit.mutationOptions({
    onSuccess: () => {
      setValues({});
      void queryClient.invalidateQueries({ queryKey: trpc.usage.pathKey() });
      notifySuccess("Limits saved");
    },
    onError: (e) => notifyError("Limits not saved", e),
  }));
  const field = (k: LimitKey, label: string) => (
    <NumberInput label={label} placeholder="no limit" min={0} allowDecimal={false} value={value(k) ?? ""} onChange={(v) => setValues((s) => ({ ...s, [k]: v === "" ? null : Number(v) }))} data-testid={`limit-${k}`} w={150} />
  );
  const subjects = scope === "role"
    ? [...ROLES].map((r) => ({ value: r, label: r }))
    : (users.data?.items ?? []).map((u) => ({ value: u.id, label: `${u.username} (${u.role})` }));
  return (
    <Paper withBorder p="md" radius="md">
      <Text fw={600} mb="sm">Model limits</Text>
      <Group align="flex-end">
        <SegmentedControl value={scope} onChange={(v) => (setScope(v as "role" | "user"), setSubject(v === "role" ? "analyst" : null), setValues({}))} data={[{ value: "role", label: "Per role" }, { value: "user", label: "Per user" }]} />
        <Select label={scope === "role" ? "Role" : "User"} data={subjects} value={subject} onChange={(v) => (setSubject(v), setValues({}))} allowDeselect={false} searchable={scope === "user"} w={220} />
        {field("dailyTokens", "Tokens per day")}
        {field("monthlyTokens", "Tokens per month")}
        {field("dailyRequests", "Model calls per day")}
        {field("monthlyRequests", "Model calls per month")}
        <Button disabled={!subject} loading={save.isPending} onClick={() => subject && save.mutate({ scope, subject, dailyTokens: value("dailyTokens"), monthlyTokens: value("monthlyTokens"), dailyRequests: value("dailyRequests"), monthlyRequests: value("monthlyRequests") })}>Save</Button>
      </Group>
      <Text size="xs" c="dimmed" mt="xs">A user&apos;s own value wins over their role&apos;s. Over a limit the model is not called (429); the built-in engine is never limited.</Text>
    </Paper>
  );
}

/** Everyone's usage and performance (admin): queries and AI calls over time, slowest queries, busiest users. */
export function SystemAnalytics() {
  const trpc = useTRPC();
  const [days, setDays] = useState("30");
  const usage = useQuery(trpc.usage.usage.queryOptions({ days: Number(days), system: true }));
  const perf = useQuery(trpc.usage.performance.queryOptions({ days: Number(days), system: true }));
  const tokens = useQuery(trpc.usage.stats.queryOptions({ days: Number(days), allUsers: true }));
  const error = usage.error ?? perf.error ?? tokens.error;
  return (
    <Stack gap="lg" p="md" maw={1280}>
      <Group justify="space-between">
        <Group gap="sm"><IconChartLine size={24} stroke={1.7} /><Title order={1} size="h2">Analytics</Title></Group>
        <SegmentedControl value={days} onChange={setDays} data={[{ value: "7", label: "7 days" }, { value: "30", label: "30 days" }, { value: "90", label: "90 days" }]} />
      </Group>
      {error && <Alert color="red">{errorInfo(error).message}</Alert>}
      <SimpleGrid cols={{ base: 2, md: 5 }}>
        <StatCard testId="system-queries" label="Queries" value={usage.data ? n(usage.data.totals.queries) : "…"} hint={usage.data ? `${n(usage.data.totals.activeUsers)} active users` : undefined} />
        <StatCard label="Error rate" value={perf.data ? pct(perf.data.errorRate) : "…"} hint={perf.data ? `${n(perf.data.failedQueries)} failed` : undefined} />
        <StatCard label="p95 time" value={perf.data ? `${n(perf.data.p95ExecutionTimeMs)} ms` : "…"} hint={perf.data ? `avg ${n(perf.data.avgExecutionTimeMs)} ms` : undefined} />
        <StatCard testId="system-ai-calls" label="AI calls" value={tokens.data ? n(tokens.data.totals.calls) : "…"} hint={tokens.data ? `${n(tokens.data.totals.modelCalls)} by a model` : undefined} />
        <StatCard label="Tokens" value={tokens.data ? n(tokens.data.totals.totalTokens) : "…"} />
      </SimpleGrid>
      <Paper withBorder p="md" radius="md">
        <Text fw={600} mb="sm">Queries and average time per day</Text>
        {usage.data && <TimeSeriesChart testId="system-queries-chart" points={usage.data.daily} left={{ key: "queries", label: "Queries", color: "quarry.6" }} right={{ key: "avgExecutionTimeMs", label: "Avg time (ms)", color: "orange.6" }} />}
      </Paper>
      <Paper withBorder p="md" radius="md">
        <Text fw={600} mb="sm">Tokens and AI calls per day</Text>
        {tokens.data && <TimeSeriesChart testId="system-tokens-chart" points={tokens.data.daily} left={{ key: "totalTokens", label: "Tokens", color: "grape.6" }} right={{ key: "calls", label: "AI calls", color: "blue.6" }} />}
      </Paper>
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Paper withBorder p="md" radius="md">
          <Text fw={600} mb="sm">Slowest queries</Text>
          <Table>
            <Table.Thead><Table.Tr><Table.Th>SQL</Table.Th><Table.Th>Source</Table.Th><Table.Th ta="right">ms</Table.Th></Table.Tr></Table.Thead>
            <Table.Tbody>
              {perf.data?.slowestQueries.map((q) => (
                <Table.Tr key={q.id}><Table.Td maw={380} style={{ overflow: "hidden", textOverflow: "ellipsis", whiteSpace: "nowrap", fontFamily: "monospace" }}>{q.sql}</Table.Td><Table.Td style={{ whiteSpace: "nowrap" }}>{q.dataSourceName ?? "—"}</Table.Td><Table.Td ta="right">{n(q.executionTimeMs)}</Table.Td></Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Paper>
        <Paper withBorder p="md" radius="md">
          <Text fw={600} mb="sm">By data source</Text>
          <Table>
            <Table.Thead><Table.Tr><Table.Th>Data source</Table.Th><Table.Th ta="right">Queries</Table.Th><Table.Th ta="right">p95 ms</Table.Th><Table.Th ta="right">Errors</Table.Th></Table.Tr></Table.Thead>
            <Table.Tbody>
              {perf.data?.byDataSource.map((s) => (
                <Table.Tr key={s.dataSourceId ?? "none"}><Table.Td>{s.name ?? "—"}</Table.Td><Table.Td ta="right">{n(s.queries)}</Table.Td><Table.Td ta="right">{n(s.p95ExecutionTimeMs)}</Table.Td><Table.Td ta="right">{pct(s.errorRate)}</Table.Td></Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          <Text fw={600} mt="md" mb="sm">Most active users</Text>
          <Table>
            <Table.Tbody>
              {usage.data?.byUser?.slice(0, 10).map((u) => <Table.Tr key={u.userId}><Table.Td>{u.username ?? u.userId}</Table.Td><Table.Td ta="right">{n(u.queries)}</Table.Td></Table.Tr>)}
            </Table.Tbody>
          </Table>
        </Paper>
      </SimpleGrid>
      <LimitsEditor />
    </Stack>
  );
}
