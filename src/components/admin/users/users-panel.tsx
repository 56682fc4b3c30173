"use client";
import {
  ActionIcon,
  Alert,
  Avatar,
  Badge,
  Button,
  Card,
  Group,
  Menu,
  Select,
  Skeleton,
  Stack,
  Table,
  Text,
  TextInput,
} from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { IconAlertCircle, IconDots, IconKey, IconPlayerPause, IconPlayerPlay, IconPlus, IconSearch, IconTrash } from "@tabler/icons-react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { ConfirmModal } from "@/components/ui/confirm-modal";
import { notifyError, notifySuccess } from "@/components/ui/feedback";
import { relativeTime, formatDate } from "@/components/ui/format";
import type { Role } from "@/lib/roles";
import { NO_SHRINK } from "@/components/ui/badges";
import { TablePager } from "@/components/ui/table-pager";
import { useTRPC } from "@/lib/trpc";
import { PanelHeader } from "../panel-header";
import type { ManagedUser } from "../types";
import { CreateUserModal, ResetPasswordModal, ROLE_OPTIONS } from "./user-modals";

const PAGE_SIZE = 25;

/** A change that waits for the admin's confirmation (a role change takes effect at once and can lock someone out). */
type Pending = { kind: "delete" | "deactivate"; user: ManagedUser } | { kind: "role"; user: ManagedUser; role: Role } | null;

const ROLE_EFFECT: Record<Role, string> = {
  admin: "They can manage users, data sources and every setting.",
  developer: "They can build pipelines and write where a group lets them.",
  analyst: "They can run queries where a group lets them read.",
  viewer: "They can only read, within a daily query quota.",
};

export function UsersPanel({ currentUserId }: { currentUserId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [search, setSearch] = useState("");
  const [debounced] = useDebouncedValue(search.trim(), 250);
  const [role, setRole] = useState<Role | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [page, setPage] = useState(1);
  const [creating, setCreating] = useState(false);
  const [resetting, setResetting] = useState<ManagedUser | null>(null);
  const [pending, setPending] = useState<Pending>(null);

  useEffect(() => setPage(1), [debounced, role, status]);

  const list = useQuery({
    ...trpc.users.list.queryOptions({
      page,
      pageSize: PAGE_SIZE,
      search: debounced || undefined,
      role: role ?? undefined,
      isActive: status === null ? undefined : status === "active",
    }),
    placeholderData: (previous) => previous,
  });

  const refresh = () => {
    void queryClient.invalidateQueries(trpc.users.pathFilter());
    void queryClient.invalidateQueries(trpc.groups.pathFilter());
    void queryClient.invalidateQueries(trpc.admin.stats.pathFilter());
  };
  const setRoleMutation = useMutation(
    trpc.users.setRole.mutationOptions({
      onSuccess(user) {
        setPending(null);
        refresh();
        notifySuccess("Role changed", `${user.email} is now ${user.role === "admin" ? "an" : "a"} ${user.role}.`);
      },
      onError(e) {
        setPending(null);
        refresh();
        notifyError("Could not change the role", e);
      },
    }),
  );
  const setStatusMutation = useMutation(
    trpc.users.setStatus.mutationOptions({
      onSuccess(user) {
        setPending(null);
        refresh();
        notifySuccess(user.isActive ? "User activated" : "User deactivated", user.isActive ? `${user.email} can sign in again.` : `${user.email} was signed out everywhere.`);
      },
      onError(e) {
        setPending(null);
        notifyError("Could not change the status", e);
      },
    }),
  );
  const remove = useMutation(
    trpc.users.remove.mutationOptions({
      onSuccess(result) {
        setPending(null);
        refresh();
        notifySuccess("User deleted", result.message);
      },
      onError(e) {
        setPending(null);
        notifyError("Could not delete the user", e);
      },
    }),
  );

  const total = list.data?.total ?? 0;

  return (
    <Stack gap="md">
      <PanelHeader
        title="Users"
        description="Everyone who can sign in. Roles cap what groups may grant: viewers only ever read."
        count={list.data?.total}
        action={
          <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)}>
            New user
          </Button>
        }
      />
      <Group gap="sm" wrap="wrap">
        <TextInput
          placeholder="Search name, email or username"
          leftSection={<IconSearch size={14} />}
          value={search}
          onChange={(e) => setSearch(e.currentTarget.value)}
          w={300}
          aria-label="Search users"
        />
        <Select placeholder="Any role" data={ROLE_OPTIONS} value={role} onChange={(v) => setRole(v as Role | null)} clearable w={150} aria-label="Role" />
        <Select
          placeholder="Any status"
          data={[
            { value: "active", label: "Active" },
            { value: "inactive", label: "Deactivated" },
          ]}
          value={status}
          onChange={setStatus}
          clearable
          w={150}
          aria-label="Status"
        />
      </Group>
      <Card withBorder radius="md" padding={0}>
        {list.isError ? (
          <Alert m="md" color="red" variant="light" icon={<IconAlertCircle size={18} />}>
            {list.error.message}
          </Alert>
        ) : list.isPending ? (
          <Stack p="md" gap="sm">
            <Skeleton height={40} />
            <Skeleton height={40} />
            <Skeleton height={40} />
          </Stack>
        ) : (
          <Table.ScrollContainer minWidth={860}>
            <Table verticalSpacing="sm" horizontalSpacing="md" highlightOnHover data-testid="users-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>User</Table.Th>
                  <Table.Th w={150}>Role</Table.Th>
                  <Table.Th w={110}>Status</Table.Th>
                  <Table.Th>Last sign-in</Table.Th>
                  <Table.Th>Created</Table.Th>
                  <Table.Th w={50} />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {list.data.items.length === 0 && (
                  <Table.Tr>
                    <Table.Td colSpan={6}>
                      <Text c="dimmed" ta="center" py="lg">
                        No user matches these filters.
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                )}
                {list.data.items.map((u) => {
                  const self = u.id === currentUserId;
                  return (
                    <Table.Tr key={u.id} data-testid="user-row" data-email={u.email} opacity={u.isActive ? 1 : 0.65}>
                      <Table.Td>
                        <Group gap="sm" wrap="nowrap">
                          <Avatar name={u.fullName || u.username} color="initials" radius="xl" size={34} />
                          <div style={{ minWidth: 0 }}>
                            <Group gap={6} wrap="nowrap">
                              <Text size="sm" fw={600} truncate>
                                {u.fullName || u.username}
                              </Text>
                              {self && (
                                <Badge size="xs" variant="light" radius="sm" style={NO_SHRINK}>
                                  you
                                </Badge>
                              )}
                            </Group>
                            <Text size="xs" c="dimmed" truncate>
                              {u.email} · @{u.username}
                            </Text>
                          </div>
                        </Group>
                      </Table.Td>
                      <Table.Td>
                        <Select
                          size="xs"
                          data={ROLE_OPTIONS}
                          value={u.role}
                          allowDeselect={false}
                          onChange={(v) => v && v !== u.role && setPending({ kind: "role", user: u, role: v as Role })}
                          disabled={setRoleMutation.isPending && setRoleMutation.variables?.id === u.id}
                          aria-label={`Role of ${u.email}`}
                          w={130}
                        />
                      </Table.Td>
                      <Table.Td>
                        <Badge variant="dot" color={u.isActive ? "teal" : "gray"} radius="sm" style={NO_SHRINK}>
                          {u.isActive ? "Active" : "Deactivated"}
                        </Badge>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm" c={u.lastLoginAt ? undefined : "dimmed"} title={formatDate(u.lastLoginAt)}>
                          {u.lastLoginAt ? relativeTime(u.lastLoginAt) : "Never"}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm" c="dimmed">
                          {formatDate(u.createdAt, false)}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <Menu position="bottom-end" withinPortal shadow="md">
                          <Menu.Target>
                            <ActionIcon variant="subtle" color="gray" aria-label={`Actions for ${u.email}`}>
                              <IconDots size={16} />
                            </ActionIcon>
                          </Menu.Target>
                          <Menu.Dropdown>
                            <Menu.Item leftSection={<IconKey size={14} />} onClick={() => setResetting(u)} disabled={self}>
                              {self ? "Reset password (use Change password)" : "Reset password"}
                            </Menu.Item>
                            {u.isActive ? (
                              <Menu.Item leftSection={<IconPlayerPause size={14} />} onClick={() => setPending({ kind: "deactivate", user: u })}>
                                Deactivate
                              </Menu.Item>
                            ) : (
                              <Menu.Item
                                leftSection={<IconPlayerPlay size={14} />}
                                onClick={() => setStatusMutation.mutate({ id: u.id, isActive: true })}
                              >
                                Activate
                              </Menu.Item>
                            )}
                            <Menu.Divider />
                            <Menu.Item color="red" leftSection={<IconTrash size={14} />} onClick={() => setPending({ kind: "delete", user: u })}>
                              Delete
                            </Menu.Item>
                          </Menu.Dropdown>
                        </Menu>
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        <TablePager total={total} page={page} pageSize={PAGE_SIZE} onPageChange={setPage} summary={`${total} users`} hideWhenOnePage />
      </Card>

      {creating && <CreateUserModal onClose={() => setCreating(false)} />}
      {resetting && <ResetPasswordModal user={resetting} onClose={() => setResetting(null)} />}
      <ConfirmModal
        opened={pending !== null}
        title={pending?.kind === "delete" ? "Delete user?" : pending?.kind === "role" ? "Change role?" : "Deactivate user?"}
        confirmLabel={pending?.kind === "delete" ? "Delete" : pending?.kind === "role" ? `Make ${pending.role}` : "Deactivate"}
        color={pending?.kind === "delete" ? "red" : "orange"}
        loading={remove.isPending || setStatusMutation.isPending || setRoleMutation.isPending}
        onClose={() => setPending(null)}
        onConfirm={() => {
          if (!pending) return;
          if (pending.kind === "delete") remove.mutate({ id: pending.user.id });
          else if (pending.kind === "role") setRoleMutation.mutate({ id: pending.user.id, role: pending.role });
          else setStatusMutation.mutate({ id: pending.user.id, isActive: false });
        }}
      >
        {pending?.kind === "role" ? (
          <Text size="sm">
            <b>{pending.user.email}</b> goes from {pending.user.role} to <b>{pending.role}</b>, effective immediately. {ROLE_EFFECT[pending.role]}
          </Text>
        ) : pending?.kind === "delete" ? (
          <Text size="sm">
            <b>{pending.user.email}</b> is deleted and signed out. Consider deactivating instead: it keeps their name on their history.
          </Text>
        ) : (
          <Text size="sm">
            <b>{pending?.user.email}</b> is signed out everywhere and cannot sign in until reactivated. Nothing they made is removed.
          </Text>
        )}
      </ConfirmModal>
    </Stack>
  );
}
