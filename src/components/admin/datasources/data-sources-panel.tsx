"use client";
import {
  ActionIcon,
  Alert,
  Badge,
  Button,
  Card,
  Group,
  Loader,
  Menu,
  Modal,
  Skeleton,
  Stack,
  Switch,
  Table,
  Text,
  Tooltip,
} from "@mantine/core";
import {
  IconAlertCircle,
  IconAlertTriangle,
  IconDots,
  IconKey,
  IconPencil,
  IconPlugConnected,
  IconPlus,
  IconTrash,
} from "@tabler/icons-react";
import { notifications } from "@mantine/notifications";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { ConfirmModal } from "@/components/ui/confirm-modal";
import { notifyError, notifySuccess } from "@/components/ui/feedback";
import { NO_SHRINK } from "@/components/ui/badges";
import { relativeTime } from "@/components/ui/format";
import { useTRPC } from "@/lib/trpc";
import { PermissionMatrix } from "../groups/permission-matrix";
import { PanelHeader } from "../panel-header";
import type { DataSource } from "../types";
import { DataSourceModal } from "./data-source-modal";

const ENGINE_LABEL: Record<string, string> = { postgres: "PostgreSQL", mysql: "MySQL", sqlite: "SQLite" };
const ENGINE_COLOR: Record<string, string> = { postgres: "indigo", mysql: "orange", sqlite: "cyan" };

interface TestOutcome {
  ok: boolean;
  message: string;
  latencyMs: number;
  version: string;
}

function connectionText(ds: DataSource): string {
  if (ds.engine === "sqlite") return ds.database;
  return `${ds.username ? `${ds.username}@` : ""}${ds.host}${ds.port ? `:${ds.port}` : ""}/${ds.database}`;
}

/** The latest known health: a test run here wins over the periodic check. */
function HealthCell({ ds, test, testing }: { ds: DataSource; test?: TestOutcome; testing: boolean }) {
  const trpc = useTRPC();
  const health = useQuery({ ...trpc.datasources.health.queryOptions({ id: ds.id }), staleTime: 60_000, enabled: !test });
  if (testing || (!test && health.isPending)) {
    return (
      <Group gap={6} wrap="nowrap">
        <Loader size={14} />
        <Text size="sm" c="dimmed">
          Checking…
        </Text>
      </Group>
    );
  }
  const ok = test ? test.ok : health.data?.status === "healthy";
  const latency = test ? test.latencyMs : health.data?.latencyMs;
  const error = test ? (test.ok ? null : test.message) : (health.data?.error ?? (health.isError ? health.error.message : null));
  const version = (test?.version || ds.serverVersion) ?? "";
  return (
    <Stack gap={2} data-testid="ds-health" data-ok={ok}>
      <Group gap={6} wrap="nowrap">
        <Badge color={ok ? "teal" : "red"} variant="dot" radius="sm" size="md" style={NO_SHRINK}>
          {ok ? "Healthy" : "Unreachable"}
        </Badge>
        {latency !== null && latency !== undefined && (
          <Text size="xs" c="dimmed" style={{ whiteSpace: "nowrap" }}>
            {latency < 1 ? "< 1 ms" : `${Math.round(latency)} ms`}
          </Text>
        )}
      </Group>
      {ok ? (
        version && (
          <Text size="xs" c="dimmed" truncate maw={190}>
            {version}
          </Text>
        )
      ) : (
        <Tooltip label={error} multiline w={320} withArrow disabled={!error}>
          <Text size="xs" c="red" truncate maw={190}>
            {error ?? "No answer"}
          </Text>
        </Tooltip>
      )}
    </Stack>
  );
}

export function DataSourcesPanel() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const list = useQuery(trpc.datasources.list.queryOptions());
  const [editing, setEditing] = useState<DataSource | null | "new">(null);
  const [deleting, setDeleting] = useState<DataSource | null>(null);
  const [permissionsFor, setPermissionsFor] = useState<DataSource | null>(null);
  const [tests, setTests] = useState<Record<string, TestOutcome>>({});
  const [testingId, setTestingId] = useState<string | null>(null);

  const test = useMutation(
    trpc.datasources.testConnection.mutationOptions({
      onMutate: ({ id }) => setTestingId(id),
      onSettled: () => setTestingId(null),
      onSuccess(result, { id }) {
        setTests((t) => ({ ...t, [id]: result }));
        void queryClient.invalidateQueries(trpc.datasources.list.pathFilter());
        void queryClient.invalidateQueries(trpc.datasources.health.queryFilter({ id }));
        if (result.ok && result.warnings.length > 0) {
          notifications.show({
            color: "yellow",
            icon: <IconAlertTriangle size={18} />,
            title: "Connection works, but the login can do more than read",
            message: result.warnings.join("; "),
            autoClose: 10_000,
          });
        } else if (result.ok) {
          notifySuccess("Connection works", `${result.latencyMs < 1 ? "< 1" : Math.round(result.latencyMs)} ms${result.version ? ` · ${result.version}` : ""}`);
        } else notifyError("Connection failed", new Error(result.message));
      },
      onError: (e) => notifyError("Could not test the connection", e),
    }),
  );
  const update = useMutation(
    trpc.datasources.update.mutationOptions({
      onSuccess(ds) {
        void queryClient.invalidateQueries(trpc.datasources.list.pathFilter());
        notifySuccess("Safeguards updated", ds.name);
      },
      onError: (e) => notifyError("Could not update the data source", e),
    }),
  );
  const remove = useMutation(
    trpc.datasources.remove.mutationOptions({
      onSuccess(result) {
        setDeleting(null);
        void queryClient.invalidateQueries(trpc.datasources.pathFilter());
        notifySuccess("Data source deleted", result.message);
      },
      onError: (e) => notifyError("Could not delete the data source", e),
    }),
  );

  return (
    <Stack gap="md">
      <PanelHeader
        title="Data sources"
        description="The databases Quarry connects to. Credentials are stored encrypted and never shown again."
        count={list.data?.length}
        action={
          <Button leftSection={<IconPlus size={16} />} onClick={() => setEditing("new")}>
            Add data source
          </Button>
        }
      />
      <Card withBorder radius="md" padding={0}>
        {list.isError ? (
          <Alert m="md" color="red" variant="light" icon={<IconAlertCircle size={18} />}>
            {list.error.message}
          </Alert>
        ) : list.isPending ? (
          <Stack p="md" gap="sm">
            <Skeleton height={44} />
            <Skeleton height={44} />
          </Stack>
        ) : list.data.length === 0 ? (
          <Text c="dimmed" ta="center" py="xl">
            No data sources yet. Add one to start querying.
          </Text>
        ) : (
          <Table.ScrollContainer minWidth={960}>
            <Table verticalSpacing="sm" horizontalSpacing="sm" highlightOnHover data-testid="datasources-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th pl="md">Name</Table.Th>
                  <Table.Th>Engine</Table.Th>
                  <Table.Th>Connection</Table.Th>
                  <Table.Th>Health</Table.Th>
                  <Table.Th>Safeguards</Table.Th>
                  <Table.Th pr="md" />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {list.data.map((ds) => (
                  <Table.Tr key={ds.id} data-testid="datasource-row" data-name={ds.name}>
                    <Table.Td pl="md">
                      <Group gap={6} wrap="nowrap" maw={230}>
                        <Text fw={600} size="sm" truncate>
                          {ds.name}
                        </Text>
                        {ds.isDemo && (
                          <Badge size="xs" variant="light" color="grape" radius="sm" style={NO_SHRINK}>
                            demo
                          </Badge>
                        )}
                        {ds.warnings.length > 0 && (
                          <Tooltip label={ds.warnings.join("; ")} multiline w={320} withArrow>
                            <Badge
                              size="xs"
                              variant="light"
                              color="yellow"
                              radius="sm"
                              leftSection={<IconAlertTriangle size={10} />}
                              style={NO_SHRINK}
                              data-testid="ds-privilege-warning"
                            >
                              {ds.warnings.some((w) => w.includes("superuser")) ? "superuser" : "privileged"}
                            </Badge>
                          </Tooltip>
                        )}
                      </Group>
                      {ds.description && (
                        <Text size="xs" c="dimmed" truncate maw={230} title={ds.description}>
                          {ds.description}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>
                      <Badge variant="light" color={ENGINE_COLOR[ds.engine]} radius="sm" style={NO_SHRINK}>
                        {ENGINE_LABEL[ds.engine] ?? ds.engine}
                      </Badge>
                    </Table.Td>
                    <Table.Td>
                      <Text ff="monospace" fz="xs" truncate maw={200} title={connectionText(ds)}>
                        {connectionText(ds)}
                      </Text>
                      {ds.readRole && (
                        <Text size="xs" c="dimmed" truncate maw={200}>
                          reads as role <Text span ff="monospace" fz="xs">{ds.readRole}</Text>
                        </Text>
                      )}
                      <Text size="xs" c="dimmed">
                        {ds.tablesCount !== null ? `${ds.tablesCount} tables · ` : ""}
                        {ds.lastCheckedAt ? `checked ${relativeTime(ds.lastCheckedAt)}` : "never checked"}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <HealthCell ds={ds} test={tests[ds.id]} testing={testingId === ds.id} />
                    </Table.Td>
                    <Table.Td>
                      <Stack gap={6}>
                        <Switch
                          size="xs"
                          label={
                            <Tooltip label="High-risk writes need two approvals" withArrow>
                              <span>2 approvals</span>
                            </Tooltip>
                          }
                          aria-label="Two approvals for high-risk writes"
                          styles={{ label: { whiteSpace: "nowrap" } }}
                          checked={ds.twoApprovalsForHighRisk}
                          disabled={update.isPending}
                          onChange={(e) => update.mutate({ id: ds.id, patch: { twoApprovalsForHighRisk: e.currentTarget.checked } })}
                        />
                        <Switch
                          size="xs"
                          label={
                            <Tooltip label="Back up changed rows before commit, so it can be reverted" withArrow>
                              <span>Backups</span>
                            </Tooltip>
                          }
                          aria-label="Back up changed rows before commit"
                          styles={{ label: { whiteSpace: "nowrap" } }}
                          checked={ds.backupBeforeCommit}
                          disabled={update.isPending}
                          onChange={(e) => update.mutate({ id: ds.id, patch: { backupBeforeCommit: e.currentTarget.checked } })}
                        />
                      </Stack>
                    </Table.Td>
                    <Table.Td pr="md">
                      <Group gap={6} justify="flex-end" wrap="nowrap">
                        <Button
                          size="xs"
                          variant="light"
                          leftSection={<IconPlugConnected size={14} />}
                          loading={testingId === ds.id}
                          onClick={() => test.mutate({ id: ds.id })}
                        >
                          Test
                        </Button>
                        <Menu position="bottom-end" withinPortal shadow="md">
                          <Menu.Target>
                            <ActionIcon variant="subtle" color="gray" aria-label={`More actions for ${ds.name}`}>
                              <IconDots size={16} />
                            </ActionIcon>
                          </Menu.Target>
                          <Menu.Dropdown>
                            <Menu.Item leftSection={<IconPencil size={14} />} onClick={() => setEditing(ds)}>
                              Edit
                            </Menu.Item>
                            <Menu.Item leftSection={<IconKey size={14} />} onClick={() => setPermissionsFor(ds)}>
                              Permissions
                            </Menu.Item>
                            <Menu.Divider />
                            <Menu.Item color="red" leftSection={<IconTrash size={14} />} onClick={() => setDeleting(ds)}>
                              Delete
                            </Menu.Item>
                          </Menu.Dropdown>
                        </Menu>
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Card>

      {editing !== null && (
        <DataSourceModal
          opened
          dataSource={editing === "new" ? null : editing}
          onClose={() => setEditing(null)}
          onSaved={(ds, created) => {
            setEditing(null);
            // A new connection is worth checking at once; the result shows in its row.
            if (created) test.mutate({ id: ds.id });
          }}
        />
      )}
      <ConfirmModal
        opened={deleting !== null}
        title="Delete data source?"
        confirmLabel="Delete"
        loading={remove.isPending}
        onClose={() => setDeleting(null)}
        onConfirm={() => deleting && remove.mutate({ id: deleting.id })}
      >
        <Text size="sm">
          <b>{deleting?.name}</b> is removed from Quarry with its permissions and cached schema. The database itself is not
          touched.
        </Text>
      </ConfirmModal>
      <Modal
        opened={permissionsFor !== null}
        onClose={() => setPermissionsFor(null)}
        title={`Permissions on ${permissionsFor?.name ?? ""}`}
        size="xl"
        centered
        radius="md"
      >
        {permissionsFor && <PermissionMatrix dataSourceId={permissionsFor.id} onSaved={() => setPermissionsFor(null)} />}
      </Modal>
    </Stack>
  );
}
