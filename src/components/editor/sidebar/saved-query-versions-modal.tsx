"use client";
import { Alert, Badge, Button, Code, Group, Modal, ScrollArea, Skeleton, Stack, Text, Timeline } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconAlertCircle, IconArrowBackUp, IconExternalLink } from "@tabler/icons-react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "@/lib/trpc";
import { absoluteTime, relativeTime } from "@/components/ui/format";
import { errorInfo } from "@/components/ui/feedback";
import type { SavedQuery } from "../types";

interface VersionsModalProps {
  query: SavedQuery | null;
  onClose: () => void;
  onOpen: (query: { title: string; sql: string; dataSourceId: string | null; savedQueryId?: string }) => void;
}

/** Every version of a saved query; reverting writes the old one back as a new version. */
export function SavedQueryVersionsModal({ query, onClose, onOpen }: VersionsModalProps) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const versions = useQuery(trpc.savedQueries.versions.queryOptions({ id: query?.id ?? "" }, { enabled: !!query }));
  const revert = useMutation(
    trpc.savedQueries.revert.mutationOptions({
      onSuccess: (saved, { version }) => {
        void queryClient.invalidateQueries({ queryKey: trpc.savedQueries.pathKey() });
        notifications.show({ color: "teal", title: "Reverted", message: `“${saved.title}” is back to version ${version} (now v${saved.version}).` });
      },
      onError: (error) => notifications.show({ color: "red", title: "Could not revert", message: errorInfo(error).message }),
    }),
  );
  const canEdit = query?.permission === "owner" || query?.permission === "edit";
  const list = versions.data ? [...versions.data].sort((a, b) => b.version - a.version) : [];
  const latest = list[0]?.version;

  return (
    <Modal opened={!!query} onClose={onClose} title={query ? `Versions of “${query.title}”` : ""} size="lg" centered>
      {versions.isPending && (
        <Stack gap="sm">
          <Skeleton h={60} />
          <Skeleton h={60} />
        </Stack>
      )}
      {versions.isError && (
        <Alert color="red" variant="light" icon={<IconAlertCircle size={16} />}>
          {errorInfo(versions.error).message}
        </Alert>
      )}
      {versions.data && (
        <ScrollArea.Autosize mah="65vh">
          <Timeline active={0} bulletSize={18} lineWidth={2} pr="sm">
            {list.map((v) => (
              <Timeline.Item
                key={v.version}
                title={
                  <Group gap="xs" justify="space-between" wrap="nowrap">
                    <Group gap={6} wrap="nowrap">
                      <Text fw={600} size="sm">
                        Version {v.version}
                      </Text>
                      {v.version === latest && (
                        <Badge size="xs" variant="light">
                          current
                        </Badge>
                      )}
                    </Group>
                    <Group gap={4} wrap="nowrap">
                      <Button
                        size="compact-xs"
                        variant="subtle"
                        leftSection={<IconExternalLink size={12} />}
                        onClick={() => {
                          onOpen({ title: `${v.title} (v${v.version})`, sql: v.sql, dataSourceId: v.dataSourceId });
                          onClose();
                        }}
                      >
                        Open
                      </Button>
                      {canEdit && v.version !== latest && (
                        <Button
                          size="compact-xs"
                          variant="light"
                          leftSection={<IconArrowBackUp size={12} />}
                          loading={revert.isPending && revert.variables?.version === v.version}
                          onClick={() => query && revert.mutate({ id: query.id, version: v.version })}
                        >
                          Revert
                        </Button>
                      )}
                    </Group>
                  </Group>
                }
              >
                <Text size="xs" c="dimmed" title={absoluteTime(v.createdAt)}>
                  {relativeTime(v.createdAt)}
                  {v.editedBy ? ` · ${v.editedBy}` : ""} · “{v.title}”
                </Text>
                <Code block mt={6} style={{ maxHeight: 140, overflow: "auto", fontSize: 11.5 }}>
                  {v.sql}
                </Code>
              </Timeline.Item>
            ))}
          </Timeline>
        </ScrollArea.Autosize>
      )}
    </Modal>
  );
}
