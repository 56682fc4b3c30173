"use client";
import { ActionIcon, Badge, Card, Group, Stack, Table, Text, Tooltip } from "@mantine/core";
import { IconPlayerPause, IconPlayerPlay, IconTrash } from "@tabler/icons-react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "@/lib/trpc";
import { notifyError } from "@/components/ui/feedback";
import { formatDate } from "@/components/ui/format";

/** Your scheduled queries: when they run next, how the last runs went; pause, resume, delete. */
export function SchedulesCard() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const list = useQuery(trpc.schedules.list.queryOptions());
  const refresh = () => void queryClient.invalidateQueries({ queryKey: trpc.schedules.pathKey() });
  const update = useMutation(trpc.schedules.update.mutationOptions({ onSuccess: refresh, onError: (e) => notifyError("Could not change the schedule", e) }));
  const remove = useMutation(trpc.schedules.remove.mutationOptions({ onSuccess: refresh, onError: (e) => notifyError("Could not delete", e) }));
  return (
    <Card withBorder radius="md" data-testid="schedules-card">
      <Stack gap="sm">
        <Text fw={600}>Scheduled queries</Text>
        {list.data?.length === 0 && <Text size="sm" c="dimmed">None yet: schedule a saved query from its menu in the editor.</Text>}
        {!!list.data?.length && (
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Query</Table.Th>
                <Table.Th>When</Table.Th>
                <Table.Th>Next run</Table.Th>
                <Table.Th>State</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.data.map((s) => (
                <Table.Tr key={s.id}>
                  <Table.Td>{s.savedQueryTitle}</Table.Td>
                  <Table.Td>
                    <Text size="sm" ff="monospace">{s.cron}</Text>
                    <Text size="xs" c="dimmed">{s.timezone}</Text>
                  </Table.Td>
                  <Table.Td>{s.nextRunAt ? formatDate(s.nextRunAt) : "—"}</Table.Td>
                  <Table.Td>
                    <Tooltip label={s.pausedReason ?? ""} disabled={!s.pausedReason} multiline w={300}>
                      <Badge color={s.active ? "teal" : "gray"} variant="light">{s.active ? "active" : "paused"}</Badge>
                    </Tooltip>
                  </Table.Td>
                  <Table.Td>
                    <Group gap={4} wrap="nowrap">
                      <ActionIcon variant="subtle" aria-label={s.active ? "Pause" : "Resume"} onClick={() => update.mutate({ id: s.id, patch: { active: !s.active } })}>
                        {s.active ? <IconPlayerPause size={16} /> : <IconPlayerPlay size={16} />}
                      </ActionIcon>
                      <ActionIcon variant="subtle" color="red" aria-label="Delete schedule" onClick={() => remove.mutate({ id: s.id })}>
                        <IconTrash size={16} />
                      </ActionIcon>
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Stack>
    </Card>
  );
}
