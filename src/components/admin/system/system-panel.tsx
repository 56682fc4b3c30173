"use client";
import {
  Alert,
  Badge,
  Button,
  Card,
  Group,
  SimpleGrid,
  Skeleton,
  Stack,
  Table,
  Text,
  ThemeIcon,
  Title,
} from "@mantine/core";
import {
  IconAlertCircle,
  IconClockHour4,
  IconCpu,
  IconDatabase,
  IconEraser,
  IconHeartbeat,
  IconLogin,
  IconServer2,
  IconUserExclamation,
  IconUsers,
  IconUserPlus,
} from "@tabler/icons-react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import { ConfirmModal } from "@/components/ui/confirm-modal";
import { notifyError, notifySuccess } from "@/components/ui/feedback";
import { relativeTime, formatBytes, formatDuration, formatNumber } from "@/components/ui/format";
import { ROLES } from "@/lib/roles";
import { NO_SHRINK } from "@/components/ui/badges";
import { useTRPC } from "@/lib/trpc";
import { PanelHeader } from "../panel-header";

function StatCard({ icon, color, label, value, hint, testId }: { icon: ReactNode; color: string; label: string; value: ReactNode; hint?: ReactNode; testId?: string }) {
  return (
    <Card withBorder radius="md" padding="md" data-testid={testId}>
      <Group gap="sm" wrap="nowrap" align="flex-start">
        <ThemeIcon variant="light" color={color} radius="md" size={38}>
          {icon}
        </ThemeIcon>
        <Stack gap={0} style={{ minWidth: 0, flex: 1 }}>
          <Text size="xs" c="dimmed" fw={600} tt="uppercase" lts={0.3}>
            {label}
          </Text>
          <Text fw={700} fz={20} lh={1.3}>
            {value}
          </Text>
          {hint && (
            <Text size="xs" c="dimmed" component="div">
              {hint}
            </Text>
          )}
        </Stack>
      </Group>
    </Card>
  );
}

const ROLE_COLORS: Record<string, string> = { admin: "grape", developer: "blue", analyst: "quarry", viewer: "gray" };

export function SystemPanel() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const status = useQuery({ ...trpc.admin.systemStatus.queryOptions(), refetchInterval: 15_000 });
  const stats = useQuery({ ...trpc.admin.stats.queryOptions(), refetchInterval: 60_000 });
  const [confirming, setConfirming] = useState(false);
  const clear = useMutation(
    trpc.admin.clearCache.mutationOptions({
      onSuccess(result) {
        setConfirming(false);
        void queryClient.invalidateQueries(trpc.admin.systemStatus.pathFilter());
        void queryClient.invalidateQueries(trpc.datasources.pathFilter());
        notifySuccess("Schema cache cleared", result.message);
      },
      onError(e) {
        setConfirming(false);
        notifyError("Could not clear the cache", e);
      },
    }),
  );

  if (status.isError) {
    return (
      <Alert color="red" variant="light" icon={<IconAlertCircle size={18} />} title="Could not load the system status">
        {status.error.message}
      </Alert>
    );
  }

  const s = status.data;
  const cached = s?.dataSources.filter((d) => d.schemaCached).length ?? 0;

  return (
    <Stack gap="md">
      <PanelHeader
        title="System"
        description="How this Quarry is doing. Data sources show their last recorded check; nothing here connects to them."
        action={
          <Button variant="light" color="orange" leftSection={<IconEraser size={16} />} onClick={() => setConfirming(true)}>
            Clear schema cache
          </Button>
        }
      />
      {!s ? (
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }}>
          {Array.from({ length: 4 }, (_, i) => (
            <Skeleton key={i} height={92} />
          ))}
        </SimpleGrid>
      ) : (
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 5 }} spacing="md">
          <StatCard
            testId="system-status"
            icon={<IconHeartbeat size={20} />}
            color={s.status === "ok" ? "teal" : "red"}
            label="Status"
            value={s.status === "ok" ? "Operational" : "Degraded"}
            hint={`Quarry ${s.version} · checked ${relativeTime(s.timestamp)}`}
          />
          <StatCard icon={<IconClockHour4 size={20} />} color="blue" label="Uptime" value={formatDuration(s.uptimeSeconds)} hint={`Node.js ${s.nodeVersion}`} />
          <StatCard
            icon={<IconDatabase size={20} />}
            color={s.appDatabase.status === "ok" ? "teal" : "red"}
            label="App database"
            value={s.appDatabase.status === "ok" ? `${s.appDatabase.latencyMs ?? "—"} ms` : "Error"}
            hint={
              s.appDatabase.error ??
              `${s.appDatabase.provider === "postgresql" ? "PostgreSQL" : "SQLite"} · jobs: ${s.jobs.backend}, ${s.jobs.workers.length} worker(s), ` +
                `${s.jobs.depth.waiting} waiting, ${s.jobs.failed.total} failed${s.jobs.error ? ` (${s.jobs.error})` : ""}`
            }
          />
          <StatCard
            icon={<IconCpu size={20} />}
            color="grape"
            label="Memory and load"
            value={formatBytes(s.memory.rssBytes)}
            hint={`Process RSS · event loop late by ${s.eventLoop.p50Ms} ms (median), ${s.eventLoop.p99Ms} ms (p99) since the last check`}
          />
          <StatCard
            testId="system-redis"
            icon={<IconServer2 size={20} />}
            color={s.redis.status === "error" ? "red" : s.redis.status === "ok" ? "teal" : "gray"}
            label="Redis"
            value={s.redis.status === "off" ? "Not used" : s.redis.status === "ok" ? `${s.redis.latencyMs ?? "—"} ms` : "Error"}
            hint={s.redis.status === "off" ? "One process: events, rate limits and jobs stay in memory" : (s.redis.error ?? "Event bus, shared rate limits, job queue")}
          />
        </SimpleGrid>
      )}

      {stats.data && (
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }} spacing="md">
          <StatCard
            icon={<IconUsers size={20} />}
            color="quarry"
            label="Users"
            value={formatNumber(stats.data.totalUsers)}
            hint={
              <Group gap={4} mt={4}>
                {ROLES.map((r) => (
                  <Badge key={r} size="xs" variant="light" color={ROLE_COLORS[r]} radius="sm" style={NO_SHRINK}>
                    {stats.data.usersByRole[r] ?? 0} {r}
                  </Badge>
                ))}
              </Group>
            }
          />
          <StatCard
            icon={<IconLogin size={20} />}
            color="blue"
            label="Sign-ins, 24 h"
            value={formatNumber(stats.data.logins24h)}
            hint={`${stats.data.activeUsers24h} people · ${formatNumber(stats.data.logins7d)} in 7 days`}
          />
          <StatCard
            icon={<IconUserExclamation size={20} />}
            color={stats.data.failedLogins24h > 0 ? "orange" : "gray"}
            label="Failed sign-ins, 24 h"
            value={formatNumber(stats.data.failedLogins24h)}
            hint={`${stats.data.inactiveUsers} deactivated account${stats.data.inactiveUsers === 1 ? "" : "s"}`}
          />
          <StatCard
            icon={<IconUserPlus size={20} />}
            color="teal"
            label="New users, 7 days"
            value={formatNumber(stats.data.newUsers7d)}
            hint={`${stats.data.registrations7d} self-registered`}
          />
        </SimpleGrid>
      )}

      <Card withBorder radius="md" padding={0}>
        <Group justify="space-between" px="md" pt="md" pb="xs">
          <Title order={3} fz={16}>
            Data sources
          </Title>
          {s && (
            <Text size="sm" c="dimmed">
              {cached} of {s.dataSources.length} with a cached schema
            </Text>
          )}
        </Group>
        {s && (
          <Table.ScrollContainer minWidth={640}>
            <Table verticalSpacing="sm" horizontalSpacing="md" data-testid="system-datasources">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>Engine</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>Latency</Table.Th>
                  <Table.Th>Last check</Table.Th>
                  <Table.Th>Schema cache</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {s.dataSources.map((d) => (
                  <Table.Tr key={d.id}>
                    <Table.Td>
                      <Text size="sm" fw={500}>
                        {d.name}
                      </Text>
                      {d.lastError && (
                        <Text size="xs" c="red" lineClamp={1} title={d.lastError}>
                          {d.lastError}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{d.engine}</Text>
                    </Table.Td>
                    <Table.Td>
                      <Badge variant="dot" radius="sm" color={d.status === "connected" ? "teal" : d.status === "error" ? "red" : "gray"} style={NO_SHRINK}>
                        {d.status}
                      </Badge>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{d.latencyMs === null ? "—" : d.latencyMs < 1 ? "< 1 ms" : `${Math.round(d.latencyMs)} ms`}</Text>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm" c="dimmed">
                        {d.lastCheckedAt ? relativeTime(d.lastCheckedAt) : "never"}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Badge variant="light" radius="sm" color={d.schemaCached ? "teal" : "gray"} style={NO_SHRINK}>
                        {d.schemaCached ? "cached" : "empty"}
                      </Badge>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Card>

      <ConfirmModal
        opened={confirming}
        title="Clear the schema cache?"
        confirmLabel="Clear cache"
        color="orange"
        loading={clear.isPending}
        onClose={() => setConfirming(false)}
        onConfirm={() => clear.mutate()}
      >
        <Text size="sm">
          Every data source&apos;s cached schema is dropped. The next schema read introspects the database afresh, which can
          take a moment on large databases.
        </Text>
      </ConfirmModal>
    </Stack>
  );
}
