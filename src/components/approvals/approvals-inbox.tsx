"use client";
import {
  ActionIcon,
  Badge,
  Drawer,
  Group,
  Paper,
  SegmentedControl,
  Select,
  Skeleton,
  Stack,
  Table,
  Tabs,
  Text,
  ThemeIcon,
  Title,
  Tooltip,
  Alert,
  EmptyState,
} from "@mantine/core";
import { IconAlertCircle, IconChecklist, IconInbox, IconRefresh } from "@tabler/icons-react";
import { useQuery } from "@tanstack/react-query";
import { useCallback, useEffect, useMemo, useState } from "react";
import { useTRPC } from "@/lib/trpc";
import { ApprovalDetail } from "./approval-detail";
import { PipelineApprovals } from "./pipeline-approvals";
import { OperationBadge, RiskBadge, StatusBadge } from "@/components/ui/badges";
import { relativeTime } from "@/components/ui/format";
import { TablePager } from "@/components/ui/table-pager";
import type { ApprovalScope, ViewerInfo } from "./types";

const PAGE_SIZE = 20;
const REFRESH_MS = 10_000;

const TABS = [
  { value: "pending", label: "Pending" },
  { value: "approved", label: "Approved" },
  { value: "executed", label: "Executed" },
  { value: "rejected", label: "Rejected" },
  { value: "rolled_back", label: "Rolled back" },
  { value: "failed", label: "Failed" },
  { value: "reverted", label: "Reverted", onlyWhenUsed: true },
  { value: "all", label: "All" },
] as const;

type Tab = (typeof TABS)[number]["value"];

const TAB_COLORS: Partial<Record<Tab, string>> = { pending: "yellow", approved: "blue", failed: "red" };

/** One line of SQL for the list: whitespace collapsed. */
const snippet = (sql: string) => sql.replace(/\s+/g, " ").trim();

function setUrlParam(name: string, value: string | null) {
  const url = new URL(window.location.href);
  if (value) url.searchParams.set(name, value);
  else url.searchParams.delete(name);
  window.history.replaceState(window.history.state, "", url);
}

export function ApprovalsInbox({ viewer, initialRequestId }: { viewer: ViewerInfo; initialRequestId?: string }) {
  const trpc = useTRPC();
  const dataSources = useQuery(trpc.datasources.list.queryOptions());
  const approvable = useMemo(
    () => new Set((dataSources.data ?? []).filter((d) => d.access.canApprove).map((d) => d.id)),
    [dataSources.data],
  );
  const isApprover = viewer.role === "admin" || (viewer.role !== "viewer" && approvable.size > 0);
  const canApproveOn = useCallback((id: string) => viewer.role === "admin" || approvable.has(id), [viewer.role, approvable]);

  // Approvers land on what waits for them; everyone else on their own requests.
  const [scopeChoice, setScopeChoice] = useState<ApprovalScope | null>(viewer.role === "admin" ? "to_review" : null);
  const scope: ApprovalScope | null = scopeChoice ?? (dataSources.isPending ? null : isApprover ? "to_review" : "mine");
  const [tab, setTab] = useState<Tab>("pending");
  const [dataSourceId, setDataSourceId] = useState<string | null>(null);
  const [page, setPage] = useState(1);
  const [selected, setSelected] = useState<string | null>(initialRequestId ?? null);

  useEffect(() => setPage(1), [scope, tab, dataSourceId]);

  const live = { refetchInterval: REFRESH_MS, refetchOnWindowFocus: true } as const;
  const counts = useQuery({ ...trpc.approvals.counts.queryOptions({ scope: scope ?? "mine" }), enabled: scope !== null, ...live });
  const list = useQuery({
    ...trpc.approvals.list.queryOptions({
      page,
      pageSize: PAGE_SIZE,
      scope: scope ?? "mine",
      status: tab === "all" ? undefined : tab,
      dataSourceId: dataSourceId ?? undefined,
    }),
    enabled: scope !== null,
    placeholderData: (previous) => previous,
    ...live,
  });

  function open(id: string | null) {
    setSelected(id);
    setUrlParam("request", id);
  }

  const total = list.data?.total ?? 0;
  const visibleTabs = TABS.filter((t) => !("onlyWhenUsed" in t) || (counts.data?.[t.value] ?? 0) > 0 || tab === t.value);

  return (
    <Stack gap="lg" maw={1280}>
      <Group justify="space-between" align="flex-end" wrap="wrap" gap="md">
        <Stack gap={4}>
          <Group gap="sm" wrap="nowrap">
            <ThemeIcon size={40} radius="md" variant="light">
              <IconChecklist size={22} stroke={1.7} />
            </ThemeIcon>
            <Title order={1} fz={28}>
              Approvals
            </Title>
          </Group>
          <Text c="dimmed" maw={640}>
            Statements that change data wait here for review. Approvers see exactly what will run, and where, before anything
            is written.
          </Text>
        </Stack>
        <Group gap="sm" wrap="wrap">
          {isApprover && (
            <SegmentedControl
              value={scope ?? "to_review"}
              onChange={(v) => setScopeChoice(v as ApprovalScope)}
              data={[
                { value: "to_review", label: "To review" },
                { value: "mine", label: "My requests" },
              ]}
              aria-label="Whose requests"
              data-testid="approval-scope"
            />
          )}
          <Select
            placeholder="All data sources"
            clearable
            data={(dataSources.data ?? []).map((d) => ({ value: d.id, label: d.name }))}
            value={dataSourceId}
            onChange={setDataSourceId}
            w={220}
            aria-label="Data source"
            comboboxProps={{ withinPortal: true }}
          />
          <Tooltip label={`Refreshes every ${REFRESH_MS / 1000} s`} withArrow>
            <ActionIcon
              variant="default"
              size="lg"
              aria-label="Refresh"
              onClick={() => {
                void list.refetch();
                void counts.refetch();
              }}
              loading={list.isFetching && !list.isPending}
            >
              <IconRefresh size={18} stroke={1.7} />
            </ActionIcon>
          </Tooltip>
        </Group>
      </Group>

      {isApprover && <PipelineApprovals />}

      <Paper withBorder radius="md" style={{ overflow: "hidden" }}>
        <Tabs value={tab} onChange={(v) => v && setTab(v as Tab)} px="sm" pt={4}>
          <Tabs.List style={{ flexWrap: "nowrap", overflowX: "auto" }}>
            {visibleTabs.map((t) => {
              const n = counts.data?.[t.value] ?? 0;
              return (
                <Tabs.Tab
                  key={t.value}
                  value={t.value}
                  rightSection={
                    <Badge
                      size="sm"
                      radius="xl"
                      variant={tab === t.value ? "filled" : "light"}
                      color={n > 0 ? (TAB_COLORS[t.value] ?? "gray") : "gray"}
                      data-testid={`count-${t.value}`}
                    >
                      {counts.isPending ? "·" : n}
                    </Badge>
                  }
                >
                  {t.label}
                </Tabs.Tab>
              );
            })}
          </Tabs.List>
        </Tabs>

        {list.isError ? (
          <Alert m="md" color="red" variant="light" icon={<IconAlertCircle size={18} />} title="Could not load requests">
            {list.error.message}
          </Alert>
        ) : list.isPending || scope === null ? (
          <Stack p="md" gap="sm" aria-busy="true">
            {Array.from({ length: 5 }, (_, i) => (
              <Skeleton key={i} height={36} />
            ))}
          </Stack>
        ) : list.data.items.length === 0 ? (
          <EmptyState
            py={56}
            icon={<IconInbox size={28} stroke={1.5} />}
            withIndicatorBackground
            title={tab === "pending" && scope === "to_review" ? "Nothing waits for your review" : "No requests here"}
            description={
              scope === "mine"
                ? "Writes you run in the editor or through the API arrive here while they wait for an approver."
                : "Requests on data sources you approve appear here as they are submitted."
            }
            data-testid="approvals-empty"
          />
        ) : (
          <Table.ScrollContainer minWidth={860}>
            <Table highlightOnHover verticalSpacing="sm" horizontalSpacing="sm" data-testid="approvals-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th pl="md">Risk</Table.Th>
                  <Table.Th>Operation</Table.Th>
                  <Table.Th>Statement</Table.Th>
                  <Table.Th>Data source</Table.Th>
                  <Table.Th>Requested by</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th pr="md" ta="right">
                    Age
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {list.data.items.map((a) => (
                  <Table.Tr
                    key={a.id}
                    onClick={() => open(a.id)}
                    onKeyDown={(e) => {
                      if (e.key === "Enter" || e.key === " ") {
                        e.preventDefault();
                        open(a.id);
                      }
                    }}
                    tabIndex={0}
                    style={{ cursor: "pointer" }}
                    bg={selected === a.id ? "var(--mantine-primary-color-light)" : undefined}
                    aria-selected={selected === a.id}
                    data-testid="approval-row"
                    data-id={a.id}
                  >
                    <Table.Td pl="md">
                      <RiskBadge level={a.riskLevel} compact />
                    </Table.Td>
                    <Table.Td>
                      <OperationBadge operation={a.operation} kind={a.kind} />
                    </Table.Td>
                    <Table.Td>
                      <Text ff="monospace" fz="xs" truncate title={a.sql} maw={280}>
                        {snippet(a.sql)}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm" truncate maw={170}>
                        {a.dataSourceName}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm" truncate maw={150}>
                        {a.requestedBy.id === viewer.id ? "You" : a.requestedBy.username}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Group gap={6} wrap="nowrap">
                        <StatusBadge status={a.status} />
                        <Tooltip label={`${a.approvalsCount} of ${a.requiredApprovals} approvals`} withArrow>
                          <Text size="xs" c={a.approvalsCount >= a.requiredApprovals ? "teal" : "dimmed"} fw={600} span>
                            {a.approvalsCount}/{a.requiredApprovals}
                          </Text>
                        </Tooltip>
                      </Group>
                    </Table.Td>
                    <Table.Td pr="md" ta="right" style={{ whiteSpace: "nowrap" }}>
                      <Tooltip label={new Date(a.createdAt).toLocaleString()} withArrow>
                        <Text size="sm" c="dimmed" span>
                          {relativeTime(a.createdAt)}
                        </Text>
                      </Tooltip>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        <TablePager total={total} page={page} pageSize={PAGE_SIZE} onPageChange={setPage} summary={`${total} requests`} hideWhenOnePage />
      </Paper>

      <Drawer
        opened={selected !== null}
        onClose={() => open(null)}
        position="right"
        size="min(48rem, 100%)"
        title={
          <Text fw={700} size="sm" c="dimmed" tt="uppercase" lts={0.4}>
            Approval request
          </Text>
        }
        padding="lg"
        radius={0}
        overlayProps={{ backgroundOpacity: 0.35, blur: 1 }}
      >
        {selected && <ApprovalDetail id={selected} viewer={viewer} canApproveOn={canApproveOn} />}
      </Drawer>
    </Stack>
  );
}
