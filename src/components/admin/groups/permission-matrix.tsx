"use client";
import { Alert, Badge, Button, Checkbox, Group, ScrollArea, Skeleton, Stack, Table, Text, TextInput } from "@mantine/core";
import { IconAlertCircle, IconDeviceFloppy, IconSearch } from "@tabler/icons-react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useMemo, useState } from "react";
import { notifyError, notifySuccess } from "@/components/ui/feedback";
import { NO_SHRINK } from "@/components/ui/badges";
import { useTRPC } from "@/lib/trpc";

interface Flags {
  canRead: boolean;
  canWrite: boolean;
  canApprove: boolean;
}
type Level = keyof Flags;

const NONE: Flags = { canRead: false, canWrite: false, canApprove: false };
const LEVELS: { key: Level; label: string; hint: string }[] = [
  { key: "canRead", label: "Read", hint: "Run SELECTs and browse the schema" },
  { key: "canWrite", label: "Write", hint: "Submit changes for approval (implies read)" },
  { key: "canApprove", label: "Approve", hint: "Review others' changes (implies read)" },
];

const same = (a: Flags, b: Flags) => a.canRead === b.canRead && a.canWrite === b.canWrite && a.canApprove === b.canApprove;

/**
 * Who may read, write or approve on one data source, group by group. Edits stay local
 * until Save, which replaces all of the data source's grants in one call.
 */
export function PermissionMatrix({ dataSourceId, onSaved }: { dataSourceId: string; onSaved?: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const groups = useQuery(trpc.groups.list.queryOptions({ page: 1, pageSize: 200 }));
  const grants = useQuery(trpc.groups.permissions.queryOptions({ dataSourceId }));
  const [draft, setDraft] = useState<Record<string, Flags>>({});
  const [filter, setFilter] = useState("");

  const saved = useMemo(() => {
    const map: Record<string, Flags> = {};
    for (const g of grants.data ?? []) map[g.groupId] = { canRead: g.canRead, canWrite: g.canWrite, canApprove: g.canApprove };
    return map;
  }, [grants.data]);

  useEffect(() => setDraft(saved), [saved]);

  const save = useMutation(
    trpc.groups.setPermissions.mutationOptions({
      onSuccess(result) {
        queryClient.setQueryData(trpc.groups.permissions.queryKey({ dataSourceId }), result);
        void queryClient.invalidateQueries(trpc.datasources.pathFilter());
        notifySuccess("Permissions saved", `${result.length} group${result.length === 1 ? "" : "s"} have access.`);
        onSaved?.();
      },
      onError: (e) => notifyError("Could not save permissions", e),
    }),
  );

  if (groups.isError || grants.isError) {
    return (
      <Alert color="red" variant="light" icon={<IconAlertCircle size={18} />}>
        {(groups.error ?? grants.error)?.message}
      </Alert>
    );
  }
  if (groups.isPending || grants.isPending) {
    return (
      <Stack gap="xs">
        <Skeleton height={32} />
        <Skeleton height={32} />
        <Skeleton height={32} />
      </Stack>
    );
  }

  // Groups with a grant that the list did not return (over 200 groups) still count.
  const rows = [
    ...groups.data.items.map((g) => ({ id: g.id, name: g.name, members: g.memberCount as number | null })),
    ...grants.data.filter((g) => !groups.data.items.some((i) => i.id === g.groupId)).map((g) => ({ id: g.groupId, name: g.groupName, members: null })),
  ].filter((r) => r.name.toLowerCase().includes(filter.trim().toLowerCase()));
  const changed = Object.keys({ ...draft, ...saved }).filter((id) => !same(draft[id] ?? NONE, saved[id] ?? NONE)).length;

  function toggle(groupId: string, level: Level, on: boolean) {
    setDraft((d) => {
      const cur = { ...(d[groupId] ?? NONE), [level]: on };
      // Write and approve include read; taking read away takes them too.
      if (on && level !== "canRead") cur.canRead = true;
      if (!on && level === "canRead") {
        cur.canWrite = false;
        cur.canApprove = false;
      }
      return { ...d, [groupId]: cur };
    });
  }

  function submit() {
    const list = Object.entries(draft)
      .filter(([, f]) => f.canRead || f.canWrite || f.canApprove)
      .map(([groupId, f]) => ({ groupId, ...f }));
    save.mutate({ dataSourceId, grants: list });
  }

  return (
    <Stack gap="sm" data-testid="permission-matrix">
      <TextInput
        placeholder="Filter groups"
        leftSection={<IconSearch size={14} />}
        value={filter}
        onChange={(e) => setFilter(e.currentTarget.value)}
        size="xs"
        maw={260}
      />
      <ScrollArea.Autosize mah={420}>
        <Table verticalSpacing={6} highlightOnHover stickyHeader>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Group</Table.Th>
              {LEVELS.map((l) => (
                <Table.Th key={l.key} ta="center" w={90} title={l.hint}>
                  {l.label}
                </Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.length === 0 && (
              <Table.Tr>
                <Table.Td colSpan={4}>
                  <Text size="sm" c="dimmed" ta="center" py="sm">
                    No groups yet. Create one in the Groups tab.
                  </Text>
                </Table.Td>
              </Table.Tr>
            )}
            {rows.map((r) => {
              const f = draft[r.id] ?? NONE;
              const dirty = !same(f, saved[r.id] ?? NONE);
              const personal = r.name.startsWith("user:");
              return (
                <Table.Tr key={r.id} bg={dirty ? "var(--mantine-color-yellow-light)" : undefined} data-group={r.name}>
                  <Table.Td>
                    <Group gap={6} wrap="nowrap">
                      <Text size="sm" fw={500} truncate maw={300}>
                        {personal ? r.name.slice(5) : r.name}
                      </Text>
                      {personal && (
                        <Badge size="xs" variant="outline" color="gray" radius="sm" style={NO_SHRINK}>
                          direct grant
                        </Badge>
                      )}
                      {r.members !== null && !personal && (
                        <Text size="xs" c="dimmed">
                          {r.members} member{r.members === 1 ? "" : "s"}
                        </Text>
                      )}
                    </Group>
                  </Table.Td>
                  {LEVELS.map((l) => (
                    <Table.Td key={l.key}>
                      <Checkbox
                        mx="auto"
                        w="fit-content"
                        checked={f[l.key]}
                        onChange={(e) => toggle(r.id, l.key, e.currentTarget.checked)}
                        aria-label={`${l.label} for ${r.name}`}
                      />
                    </Table.Td>
                  ))}
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </ScrollArea.Autosize>
      <Group justify="space-between">
        <Text size="xs" c="dimmed">
          {changed ? `${changed} unsaved change${changed === 1 ? "" : "s"}` : "Write and approve include read. Admins can do everything."}
        </Text>
        <Group gap="xs">
          <Button variant="default" size="sm" disabled={!changed || save.isPending} onClick={() => setDraft(saved)}>
            Reset
          </Button>
          <Button size="sm" leftSection={<IconDeviceFloppy size={16} />} disabled={!changed} loading={save.isPending} onClick={submit}>
            Save permissions
          </Button>
        </Group>
      </Group>
    </Stack>
  );
}
