"use client";
import {
  ActionIcon,
  Alert,
  Autocomplete,
  Badge,
  Button,
  Card,
  Code,
  Group,
  Menu,
  Select,
  SimpleGrid,
  Skeleton,
  Stack,
  Table,
  Text,
  TextInput,
  Tooltip,
} from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { IconAlertCircle, IconChevronDown, IconChevronRight, IconDownload, IconFilterOff, IconRefresh } from "@tabler/icons-react";
import { useQuery } from "@tanstack/react-query";
import { Fragment, useEffect, useState } from "react";
import { relativeTime, formatDate, humanize } from "@/components/ui/format";
import { NO_SHRINK } from "@/components/ui/badges";
import { TablePager } from "@/components/ui/table-pager";
import { useTRPC } from "@/lib/trpc";
import { PanelHeader } from "../panel-header";

const PAGE_SIZE = 50;

// The actions Quarry records; the filter also takes any other spelling.
const ACTIONS = [
  "login", "logout", "register", "change_password", "create_user", "invite_user", "delete_user", "reset_password",
  "change_role", "activate_user", "deactivate_user", "revoke_member", "create_group", "update_group", "delete_group",
  "add_group_member", "remove_group_member", "set_permissions", "set_user_permission", "create_data_source",
  "update_data_source", "delete_data_source", "test_data_source", "sync_schema", "clear_cache", "export_audit", "execute_query",
  "cancel_query", "export_query", "save_query", "update_saved_query", "delete_saved_query", "share_saved_query",
  "create_share_link", "revoke_share_link", "request_approval", "approval_approve", "approval_reject", "approval_preview",
  "approval_commit", "approval_rollback", "approval_revert",
];
const RESOURCE_TYPES = ["session", "user", "group", "data_source", "approval", "query", "saved_query", "system"];

const ACTION_COLORS: [RegExp, string][] = [
  [/^(login|logout|register)/, "blue"],
  [/^approval_|request_approval/, "grape"],
  [/delete|revoke|remove|reject|deactivate/, "red"],
  [/create|add|invite|activate/, "teal"],
  [/query|export/, "cyan"],
];
const actionColor = (a: string) => ACTION_COLORS.find(([re]) => re.test(a))?.[1] ?? "gray";

export function AuditPanel() {
  const trpc = useTRPC();
  const users = useQuery(trpc.users.list.queryOptions({ page: 1, pageSize: 200 }));
  const [userId, setUserId] = useState<string | null>(null);
  const [action, setAction] = useState("");
  const [debouncedAction] = useDebouncedValue(action.trim(), 300);
  const [resourceType, setResourceType] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<string | null>(null);
  const [dateFrom, setDateFrom] = useState("");
  const [dateTo, setDateTo] = useState("");
  const [page, setPage] = useState(1);
  const [expanded, setExpanded] = useState<string | null>(null);

  useEffect(() => setPage(1), [userId, debouncedAction, resourceType, outcome, dateFrom, dateTo]);

  const list = useQuery({
    ...trpc.audit.list.queryOptions({
      page,
      pageSize: PAGE_SIZE,
      userId: userId ?? undefined,
      action: debouncedAction || undefined,
      resourceType: resourceType ?? undefined,
      outcome: (outcome as "success" | "failure" | null) ?? undefined,
      dateFrom: dateFrom || undefined,
      dateTo: dateTo || undefined,
    }),
    placeholderData: (previous) => previous,
  });
  const exportHref = (format: "csv" | "json") => {
    const params = new URLSearchParams({ format });
    const filters: [string, string | null][] = [
      ["user_id", userId],
      ["action", debouncedAction],
      ["resource_type", resourceType],
      ["outcome", outcome],
      ["date_from", dateFrom],
      ["date_to", dateTo],
    ];
    for (const [key, value] of filters) if (value) params.set(key, value);
    return `/api/audit/export?${params}`;
  };
  const filtered = Boolean(userId || action || resourceType || outcome || dateFrom || dateTo);
  const total = list.data?.total ?? 0;

  function clear() {
    setUserId(null);
    setAction("");
    setResourceType(null);
    setOutcome(null);
    setDateFrom("");
    setDateTo("");
  }

  return (
    <Stack gap="md">
      <PanelHeader
        title="Audit log"
        description="Sign-ins, queries, approvals and configuration changes, newest first."
        count={list.data?.total}
        action={
          <Group gap="xs">
            {filtered && (
              <Button variant="subtle" color="gray" leftSection={<IconFilterOff size={16} />} onClick={clear}>
                Clear filters
              </Button>
            )}
            <Menu position="bottom-end" withinPortal>
              <Menu.Target>
                <Button variant="default" leftSection={<IconDownload size={16} />} data-testid="audit-export">
                  Export
                </Button>
              </Menu.Target>
              <Menu.Dropdown>
                <Menu.Label>{filtered ? "The filtered entries" : "Every entry"}</Menu.Label>
                <Menu.Item component="a" href={exportHref("csv")} download>
                  CSV
                </Menu.Item>
                <Menu.Item component="a" href={exportHref("json")} download>
                  JSON
                </Menu.Item>
              </Menu.Dropdown>
            </Menu>
            <Tooltip label="Refresh" withArrow>
              <ActionIcon variant="default" size="lg" onClick={() => void list.refetch()} loading={list.isFetching} aria-label="Refresh audit log">
                <IconRefresh size={16} />
              </ActionIcon>
            </Tooltip>
          </Group>
        }
      />
      <SimpleGrid cols={{ base: 1, sm: 3, lg: 6 }} spacing="sm">
        <Select
          label="User"
          placeholder="Anyone"
          searchable
          clearable
          data={(users.data?.items ?? []).map((u) => ({ value: u.id, label: u.fullName ? `${u.fullName} (${u.email})` : u.email }))}
          value={userId}
          onChange={setUserId}
        />
        <Autocomplete label="Action" placeholder="Any action" data={ACTIONS} value={action} onChange={setAction} limit={12} />
        <Select
          label="Resource"
          placeholder="Any type"
          clearable
          data={RESOURCE_TYPES.map((r) => ({ value: r, label: humanize(r) }))}
          value={resourceType}
          onChange={setResourceType}
        />
        <Select
          label="Outcome"
          placeholder="Any outcome"
          clearable
          data={[
            { value: "success", label: "Success" },
            { value: "failure", label: "Failure" },
          ]}
          value={outcome}
          onChange={setOutcome}
        />
        <TextInput label="From" type="date" value={dateFrom} onChange={(e) => setDateFrom(e.currentTarget.value)} max={dateTo || undefined} />
        <TextInput label="To" type="date" value={dateTo} onChange={(e) => setDateTo(e.currentTarget.value)} min={dateFrom || undefined} />
      </SimpleGrid>

      <Card withBorder radius="md" padding={0}>
        {list.isError ? (
          <Alert m="md" color="red" variant="light" icon={<IconAlertCircle size={18} />}>
            {list.error.message}
          </Alert>
        ) : list.isPending ? (
          <Stack p="md" gap="sm">
            {Array.from({ length: 6 }, (_, i) => (
              <Skeleton key={i} height={32} />
            ))}
          </Stack>
        ) : (
          <Table.ScrollContainer minWidth={1100}>
            <Table verticalSpacing={8} horizontalSpacing="md" highlightOnHover data-testid="audit-table" fz="sm">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th w={36} />
                  <Table.Th>Time</Table.Th>
                  <Table.Th>Who</Table.Th>
                  <Table.Th>Action</Table.Th>
                  <Table.Th>Resource</Table.Th>
                  <Table.Th>SQL</Table.Th>
                  <Table.Th>Outcome</Table.Th>
                  <Table.Th>IP</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {list.data.items.length === 0 && (
                  <Table.Tr>
                    <Table.Td colSpan={8}>
                      <Text c="dimmed" ta="center" py="lg">
                        No entries match these filters.
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                )}
                {list.data.items.map((e) => {
                  const open = expanded === e.id;
                  const hasDetails = Object.keys(e.details).length > 0 || e.sql !== null;
                  return (
                    <Fragment key={e.id}>
                      <Table.Tr data-testid="audit-row" data-action={e.action}>
                        <Table.Td>
                          {hasDetails && (
                            <ActionIcon
                              variant="subtle"
                              color="gray"
                              size="sm"
                              onClick={() => setExpanded(open ? null : e.id)}
                              aria-label={open ? "Hide details" : "Show details"}
                              aria-expanded={open}
                            >
                              {open ? <IconChevronDown size={14} /> : <IconChevronRight size={14} />}
                            </ActionIcon>
                          )}
                        </Table.Td>
                        <Table.Td>
                          <Text size="sm">{formatDate(e.timestamp)}</Text>
                          <Text size="xs" c="dimmed">
                            {relativeTime(e.timestamp)}
                          </Text>
                        </Table.Td>
                        <Table.Td maw={240} data-testid="audit-actor">
                          <Text size="sm" truncate>
                            {e.actorName || "—"}
                          </Text>
                          {e.actor && e.actor !== e.actorName && (
                            <Text size="xs" c="dimmed" truncate title={e.actor}>
                              {e.actor}
                            </Text>
                          )}
                        </Table.Td>
                        <Table.Td>
                          <Badge variant="light" color={actionColor(e.action)} radius="sm" tt="none" ff="monospace" fw={500} style={NO_SHRINK}>
                            {e.action}
                          </Badge>
                        </Table.Td>
                        <Table.Td maw={220}>
                          <Text size="sm">{humanize(e.resourceType)}</Text>
                          {e.resourceId && (
                            <Text size="xs" c="dimmed" ff="monospace" truncate title={e.resourceId}>
                              {e.resourceId}
                            </Text>
                          )}
                        </Table.Td>
                        <Table.Td maw={260} data-testid="audit-sql">
                          {e.sql ? (
                            <Text size="xs" ff="monospace" truncate title={e.sql}>
                              {e.sql}
                            </Text>
                          ) : (
                            <Text size="xs" c="dimmed">
                              —
                            </Text>
                          )}
                        </Table.Td>
                        <Table.Td>
                          <Badge variant="dot" color={e.outcome === "success" ? "teal" : "red"} radius="sm" style={NO_SHRINK}>
                            {e.outcome}
                          </Badge>
                        </Table.Td>
                        <Table.Td>
                          <Text size="xs" ff="monospace" c="dimmed">
                            {e.ip || "—"}
                          </Text>
                        </Table.Td>
                      </Table.Tr>
                      {open && (
                        <Table.Tr>
                          <Table.Td />
                          <Table.Td colSpan={7}>
                            <Stack gap="xs">
                              {e.sql && (
                                <Code block fz="xs" data-testid="audit-full-sql">
                                  {e.sql}
                                </Code>
                              )}
                              <Code block fz="xs" data-testid="audit-details">
                                {JSON.stringify(e.details, null, 2)}
                              </Code>
                            </Stack>
                          </Table.Td>
                        </Table.Tr>
                      )}
                    </Fragment>
                  );
                })}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        <TablePager total={total} page={page} pageSize={PAGE_SIZE} onPageChange={setPage} />
      </Card>
    </Stack>
  );
}
