"use client";
import { ActionIcon, Badge, Button, Group, Menu, Modal, Stack, Text, UnstyledButton } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { notifications } from "@mantine/notifications";
import { IconCalendarTime, IconDots, IconExternalLink, IconFolderSymlink, IconHistory, IconTrash, IconUsersGroup } from "@tabler/icons-react";
import { ScheduleModal } from "@/components/schedules/schedule-modal";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "@/lib/trpc";
import classes from "./sidebar.module.css";
import { absoluteTime, relativeTime } from "@/components/ui/format";
import { errorInfo } from "@/components/ui/feedback";
import type { SavedQuery } from "../types";
import { MoveToFolderModal } from "./saved-query-move-modal";
import { ShareWithGroupsModal } from "./saved-query-share-groups-modal";

interface SavedQueryItemProps {
  query: SavedQuery;
  onOpen: () => void;
  onTag: (tag: string) => void;
  onVersions: () => void;
}

export function SavedQueryItem({ query, onOpen, onTag, onVersions }: SavedQueryItemProps) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [confirming, confirm] = useDisclosure(false);
  const [scheduling, schedule] = useDisclosure(false);
  const [moving, moveModal] = useDisclosure(false);
  const [sharing, shareModal] = useDisclosure(false);
  const remove = useMutation(
    trpc.savedQueries.remove.mutationOptions({
      onSuccess: () => {
        confirm.close();
        void queryClient.invalidateQueries({ queryKey: trpc.savedQueries.list.pathKey() });
        notifications.show({ color: "teal", title: "Deleted", message: `“${query.title}” was deleted.`, autoClose: 2500 });
      },
      onError: (error) => notifications.show({ color: "red", title: "Could not delete", message: errorInfo(error).message }),
    }),
  );
  const mine = query.permission === "owner";

  return (
    <Group gap={2} wrap="nowrap" align="flex-start" className={classes.savedItem} data-testid="saved-query">
      <UnstyledButton className={classes.listItem} onClick={onOpen} title={`Open “${query.title}” in a new tab`}>
        <Stack gap={3}>
          <Text size="sm" fw={600} truncate>
            {query.title}
          </Text>
          {query.description && (
            <Text size="xs" c="dimmed" lineClamp={2}>
              {query.description}
            </Text>
          )}
          {query.tags.length > 0 && (
            <Group gap={4}>
              {query.tags.map((t) => (
                <Badge
                  key={t}
                  size="xs"
                  variant="light"
                  color="gray"
                  radius="sm"
                  style={{ textTransform: "none", cursor: "pointer" }}
                  onClick={(e) => {
                    e.stopPropagation();
                    onTag(t);
                  }}
                >
                  #{t}
                </Badge>
              ))}
            </Group>
          )}
          <Text size="xs" c="dimmed" title={absoluteTime(query.updatedAt)}>
            v{query.version} · {relativeTime(query.updatedAt)}
            {mine ? "" : ` · ${query.ownerEmail}`}
          </Text>
          {(query.permission === "read" || query.sharedWithGroups.length > 0) && (
            <Group gap={4}>
              {query.permission === "read" && (
                <Badge size="xs" variant="outline" color="gray" radius="sm" style={{ textTransform: "none" }}>
                  read-only
                </Badge>
              )}
              {query.sharedWithGroups.map((g) => (
                <Badge key={g.groupId} size="xs" variant="light" color="grape" radius="sm" style={{ textTransform: "none" }} leftSection={<IconUsersGroup size={10} />}>
                  {g.name}
                </Badge>
              ))}
            </Group>
          )}
        </Stack>
      </UnstyledButton>
      <Menu position="bottom-end" shadow="md" width={190}>
        <Menu.Target>
          <ActionIcon variant="subtle" color="gray" size="sm" mt={8} className={classes.itemActions} aria-label={`Actions for ${query.title}`}>
            <IconDots size={14} />
          </ActionIcon>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Item leftSection={<IconExternalLink size={15} />} onClick={onOpen}>
            Open in new tab
          </Menu.Item>
          <Menu.Item leftSection={<IconHistory size={15} />} onClick={onVersions}>
            Versions…
          </Menu.Item>
          <Menu.Item leftSection={<IconCalendarTime size={15} />} onClick={schedule.open}>
            Schedule…
          </Menu.Item>
          {mine && (
            <Menu.Item leftSection={<IconFolderSymlink size={15} />} onClick={moveModal.open}>
              Move to folder…
            </Menu.Item>
          )}
          {mine && (
            <Menu.Item leftSection={<IconUsersGroup size={15} />} onClick={shareModal.open}>
              Share with groups…
            </Menu.Item>
          )}
          {mine && (
            <>
              <Menu.Divider />
              <Menu.Item color="red" leftSection={<IconTrash size={15} />} onClick={confirm.open}>
                Delete
              </Menu.Item>
            </>
          )}
        </Menu.Dropdown>
      </Menu>
      {moving && <MoveToFolderModal query={query} onClose={moveModal.close} />}
      {sharing && <ShareWithGroupsModal query={query} onClose={shareModal.close} />}
      {scheduling && <ScheduleModal opened onClose={schedule.close} savedQueryId={query.id} title={query.title} />}
      <Modal opened={confirming} onClose={confirm.close} title="Delete saved query?" centered size="sm">
        <Stack gap="md">
          <Text size="sm">
            “{query.title}” and its {query.version} {query.version === 1 ? "version" : "versions"} will be deleted for everyone it is shared with.
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={confirm.close}>
              Keep it
            </Button>
            <Button color="red" loading={remove.isPending} onClick={() => remove.mutate({ id: query.id })}>
              Delete
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Group>
  );
}
