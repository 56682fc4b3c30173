"use client";
import {
  ActionIcon,
  Avatar,
  Badge,
  Button,
  Card,
  Grid,
  Group,
  Select,
  Skeleton,
  Stack,
  Switch,
  Table,
  Text,
  TextInput,
  Title,
  Tooltip,
  UnstyledButton,
} from "@mantine/core";
import { IconPencil, IconPlus, IconSearch, IconTrash, IconUserMinus, IconUserPlus, IconUsersGroup } from "@tabler/icons-react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { ConfirmModal } from "@/components/ui/confirm-modal";
import { notifyError, notifySuccess } from "@/components/ui/feedback";
import { formatDate } from "@/components/ui/format";
import { RoleBadge } from "@/components/ui/badges";
import { isRole } from "@/lib/roles";
import { NO_SHRINK } from "@/components/ui/badges";
import { useTRPC } from "@/lib/trpc";
import { PanelHeader } from "../panel-header";
import type { Group as GroupRow } from "../types";
import { GroupModal } from "./group-modal";
import { PermissionMatrix } from "./permission-matrix";
import classes from "./groups-panel.module.css";

export function GroupsPanel() {
  const trpc = useTRPC();
  const [search, setSearch] = useState("");
  const [showPersonal, setShowPersonal] = useState(false);
  const groups = useQuery(trpc.groups.list.queryOptions({ page: 1, pageSize: 200, search: search.trim() || undefined }));
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [editing, setEditing] = useState<GroupRow | null | "new">(null);
  const dataSources = useQuery(trpc.datasources.list.queryOptions());
  const [matrixSource, setMatrixSource] = useState<string | null>(null);

  const items = (groups.data?.items ?? []).filter((g) => showPersonal || !g.name.startsWith("user:"));
  const personalCount = (groups.data?.items ?? []).filter((g) => g.name.startsWith("user:")).length;
  const selected = items.find((g) => g.id === selectedId) ?? items[0] ?? null;
  const sourceId = matrixSource ?? dataSources.data?.[0]?.id ?? null;

  return (
    <Stack gap="md">
      <PanelHeader
        title="Groups"
        description="People are granted access to data sources through their groups."
        count={groups.data ? items.length : undefined}
        action={
          <Button leftSection={<IconPlus size={16} />} onClick={() => setEditing("new")}>
            New group
          </Button>
        }
      />
      <Grid gap="md">
        <Grid.Col span={{ base: 12, md: 4 }}>
          <Card withBorder radius="md" padding="sm" h="100%">
            <Stack gap="xs">
              <TextInput
                placeholder="Search groups"
                leftSection={<IconSearch size={14} />}
                value={search}
                onChange={(e) => setSearch(e.currentTarget.value)}
                size="sm"
              />
              {personalCount > 0 && (
                <Switch
                  size="xs"
                  label={`Show ${personalCount} personal grant group${personalCount === 1 ? "" : "s"}`}
                  checked={showPersonal}
                  onChange={(e) => setShowPersonal(e.currentTarget.checked)}
                />
              )}
              {groups.isPending ? (
                <Stack gap={6}>
                  <Skeleton height={48} />
                  <Skeleton height={48} />
                </Stack>
              ) : items.length === 0 ? (
                <Text size="sm" c="dimmed" ta="center" py="lg">
                  {search ? "No group matches." : "No groups yet."}
                </Text>
              ) : (
                <Stack gap={4} data-testid="groups-list">
                  {items.map((g) => (
                    <UnstyledButton
                      key={g.id}
                      className={classes.item}
                      data-active={selected?.id === g.id || undefined}
                      onClick={() => setSelectedId(g.id)}
                      data-testid="group-item"
                    >
                      <Group gap="sm" wrap="nowrap">
                        <Avatar size={32} radius="md" color="quarry" variant="light">
                          <IconUsersGroup size={16} />
                        </Avatar>
                        <div style={{ minWidth: 0, flex: 1 }}>
                          <Text size="sm" fw={600} truncate>
                            {g.name}
                          </Text>
                          <Text size="xs" c="dimmed" truncate>
                            {g.memberCount} member{g.memberCount === 1 ? "" : "s"}
                            {g.description ? ` · ${g.description}` : ""}
                          </Text>
                        </div>
                      </Group>
                    </UnstyledButton>
                  ))}
                </Stack>
              )}
            </Stack>
          </Card>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 8 }}>
          {selected ? (
            <GroupDetail key={selected.id} group={selected} onEdit={() => setEditing(selected)} onDeleted={() => setSelectedId(null)} />
          ) : (
            <Card withBorder radius="md" padding="xl" h="100%">
              <Text c="dimmed" ta="center">
                Create a group to start granting access.
              </Text>
            </Card>
          )}
        </Grid.Col>
      </Grid>

      <Card withBorder radius="md" padding="lg">
        <Group justify="space-between" mb="sm" wrap="wrap">
          <Stack gap={2}>
            <Title order={3} fz={16}>
              Data-source permissions
            </Title>
            <Text size="sm" c="dimmed">
              Tick what each group may do on the chosen data source, then save once.
            </Text>
          </Stack>
          <Select
            data={(dataSources.data ?? []).map((d) => ({ value: d.id, label: d.name }))}
            value={sourceId}
            onChange={setMatrixSource}
            allowDeselect={false}
            w={260}
            aria-label="Data source"
            placeholder={dataSources.isPending ? "Loading…" : "No data sources"}
          />
        </Group>
        {sourceId && <PermissionMatrix key={sourceId} dataSourceId={sourceId} />}
      </Card>

      {editing !== null && (
        <GroupModal
          group={editing === "new" ? null : editing}
          onClose={() => setEditing(null)}
          onSaved={(id) => {
            setEditing(null);
            setSelectedId(id);
          }}
        />
      )}
    </Stack>
  );
}

function GroupDetail({ group, onEdit, onDeleted }: { group: GroupRow; onEdit: () => void; onDeleted: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const detail = useQuery(trpc.groups.get.queryOptions({ id: group.id }));
  const users = useQuery(trpc.users.list.queryOptions({ page: 1, pageSize: 200 }));
  const [adding, setAdding] = useState<string | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [removing, setRemoving] = useState<{ id: string; email: string } | null>(null);

  const refresh = () => void queryClient.invalidateQueries(trpc.groups.pathFilter());
  const addMember = useMutation(
    trpc.groups.addMember.mutationOptions({
      onSuccess(result) {
        setAdding(null);
        refresh();
        notifySuccess("Member added", result.message);
      },
      onError: (e) => notifyError("Could not add the member", e),
    }),
  );
  const removeMember = useMutation(
    trpc.groups.removeMember.mutationOptions({
      onSuccess(result) {
        setRemoving(null);
        refresh();
        notifySuccess("Member removed", result.message);
      },
      onError: (e) => notifyError("Could not remove the member", e),
    }),
  );
  const remove = useMutation(
    trpc.groups.remove.mutationOptions({
      onSuccess(result) {
        setConfirmDelete(false);
        refresh();
        onDeleted();
        notifySuccess("Group deleted", result.message);
      },
      onError: (e) => notifyError("Could not delete the group", e),
    }),
  );

  const members = detail.data?.members ?? [];
  const candidates = (users.data?.items ?? [])
    .filter((u) => !members.some((m) => m.id === u.id))
    .map((u) => ({ value: u.id, label: `${u.fullName || u.username} · ${u.email}` }));

  return (
    <Card withBorder radius="md" padding="lg" h="100%" data-testid="group-detail">
      <Group justify="space-between" align="flex-start" wrap="nowrap" mb="md">
        <Stack gap={2} style={{ minWidth: 0 }}>
          <Title order={3} fz={18}>
            {group.name}
          </Title>
          <Text size="sm" c="dimmed">
            {group.description || "No description"} · created {formatDate(group.createdAt, false)}
          </Text>
        </Stack>
        <Group gap={6} wrap="nowrap">
          <Button size="xs" variant="default" leftSection={<IconPencil size={14} />} onClick={onEdit}>
            Edit
          </Button>
          <Button size="xs" variant="light" color="red" leftSection={<IconTrash size={14} />} onClick={() => setConfirmDelete(true)}>
            Delete
          </Button>
        </Group>
      </Group>

      <Group gap="xs" mb="sm" wrap="nowrap" align="flex-end">
        <Select
          label="Add a member"
          placeholder={users.isPending ? "Loading users…" : "Search people"}
          searchable
          data={candidates}
          value={adding}
          onChange={setAdding}
          nothingFoundMessage="No one else to add"
          style={{ flex: 1 }}
          aria-label="Add a member"
        />
        <Button
          leftSection={<IconUserPlus size={16} />}
          disabled={!adding}
          loading={addMember.isPending}
          onClick={() => adding && addMember.mutate({ id: group.id, userId: adding })}
        >
          Add
        </Button>
      </Group>

      {detail.isPending ? (
        <Skeleton height={80} />
      ) : members.length === 0 ? (
        <Text size="sm" c="dimmed" py="md" ta="center">
          No members yet.
        </Text>
      ) : (
        <Table verticalSpacing={6} data-testid="group-members">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Member</Table.Th>
              <Table.Th>Role</Table.Th>
              <Table.Th>Added</Table.Th>
              <Table.Th w={40} />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {members.map((m) => (
              <Table.Tr key={m.id}>
                <Table.Td>
                  <Group gap="xs" wrap="nowrap">
                    <Avatar name={m.fullName || m.username} color="initials" size={26} radius="xl" />
                    <div style={{ minWidth: 0 }}>
                      <Text size="sm" fw={500} truncate>
                        {m.fullName || m.username}
                        {!m.isActive && (
                          <Badge ml={6} size="xs" color="gray" variant="outline" style={NO_SHRINK}>
                            inactive
                          </Badge>
                        )}
                      </Text>
                      <Text size="xs" c="dimmed" truncate>
                        {m.email}
                      </Text>
                    </div>
                  </Group>
                </Table.Td>
                <Table.Td>{isRole(m.role) ? <RoleBadge role={m.role} size="sm" /> : m.role}</Table.Td>
                <Table.Td>
                  <Text size="xs" c="dimmed">
                    {formatDate(m.addedAt, false)}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Tooltip label="Remove from group" withArrow>
                    <ActionIcon variant="subtle" color="red" aria-label={`Remove ${m.email}`} onClick={() => setRemoving({ id: m.id, email: m.email })}>
                      <IconUserMinus size={16} />
                    </ActionIcon>
                  </Tooltip>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}

      <ConfirmModal
        opened={confirmDelete}
        title="Delete group?"
        confirmLabel="Delete group"
        loading={remove.isPending}
        onClose={() => setConfirmDelete(false)}
        onConfirm={() => remove.mutate({ id: group.id })}
      >
        <Text size="sm">
          <b>{group.name}</b> is deleted with its memberships and data-source grants. Its {group.memberCount} member
          {group.memberCount === 1 ? "" : "s"} lose any access that came only from it.
        </Text>
      </ConfirmModal>
      <ConfirmModal
        opened={removing !== null}
        title="Remove member?"
        confirmLabel="Remove"
        loading={removeMember.isPending}
        onClose={() => setRemoving(null)}
        onConfirm={() => removing && removeMember.mutate({ id: group.id, userId: removing.id })}
      >
        <Text size="sm">
          <b>{removing?.email}</b> leaves <b>{group.name}</b> and loses the access it grants.
        </Text>
      </ConfirmModal>
    </Card>
  );
}
