"use client";
import { ActionIcon, Alert, Badge, Button, CopyButton, Group, Modal, ScrollArea, Skeleton, Stack, Switch, Table, Text, Tooltip } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconAlertCircle, IconCheck, IconCopy, IconLink, IconLock } from "@tabler/icons-react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "@/lib/trpc";
import { absoluteTime, relativeTime } from "@/components/ui/format";
import { errorInfo } from "@/components/ui/feedback";
import { ConfirmModal } from "@/components/ui/confirm-modal";
import type { ShareLinkItem } from "../types";

const STATUS_COLOR = { active: "teal", expired: "gray", revoked: "red" } as const;

const linkUrl = (path: string) => (typeof window === "undefined" ? path : `${window.location.origin}${path}`);

/** The caller's share links: which result, when made, until when, how often opened; revoke stops one at once. */
export function ShareLinksModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [showAll, setShowAll] = useState(false);
  const [revoking, setRevoking] = useState<ShareLinkItem | null>(null);
  const links = useQuery(trpc.shares.list.queryOptions({ page: 1, pageSize: 100, status: showAll ? "all" : "active" }, { enabled: opened }));
  const revoke = useMutation(
    trpc.shares.revoke.mutationOptions({
      onSuccess: () => {
        void queryClient.invalidateQueries({ queryKey: trpc.shares.list.pathKey() });
        notifications.show({ color: "teal", title: "Link revoked", message: "It stops working now.", autoClose: 2500 });
        setRevoking(null);
      },
      onError: (error) => notifications.show({ color: "red", title: "Could not revoke", message: errorInfo(error).message }),
    }),
  );

  return (
    <Modal opened={opened} onClose={onClose} title="Your share links" size="xl" centered>
      <Stack gap="sm">
        <Switch size="xs" label="Show revoked and expired links" checked={showAll} onChange={(e) => setShowAll(e.currentTarget.checked)} />
        {links.isPending && <Skeleton h={80} />}
        {links.isError && (
          <Alert color="red" variant="light" icon={<IconAlertCircle size={16} />}>
            {errorInfo(links.error).message}
          </Alert>
        )}
        {links.data?.items.length === 0 && (
          <Stack align="center" gap={6} py="lg">
            <IconLink size={24} stroke={1.4} color="var(--mantine-color-dimmed)" />
            <Text size="sm" c="dimmed">
              No share links yet: share a result from the results panel.
            </Text>
          </Stack>
        )}
        {!!links.data?.items.length && (
          <ScrollArea.Autosize mah="60vh">
            <Table verticalSpacing={6} fz="sm" data-testid="share-links">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Result</Table.Th>
                  <Table.Th>Created</Table.Th>
                  <Table.Th>Expires</Table.Th>
                  <Table.Th ta="right">Views</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {links.data.items.map((l) => (
                  <Table.Tr key={l.id} data-testid="share-link-row" data-link={l.path}>
                    <Table.Td maw={280}>
                      <Group gap={4} wrap="nowrap">
                        {l.hasPassword && <IconLock size={13} aria-label="Needs a password" />}
                        <Text size="xs" ff="monospace" truncate title={l.sqlPreview}>
                          {l.sqlPreview || "(empty)"}
                        </Text>
                      </Group>
                      <Text size="xs" c="dimmed">
                        {l.rowCount.toLocaleString()} {l.rowCount === 1 ? "row" : "rows"}
                      </Text>
                    </Table.Td>
                    <Table.Td title={absoluteTime(l.createdAt)}>{relativeTime(l.createdAt)}</Table.Td>
                    <Table.Td title={l.expiresAt ? absoluteTime(l.expiresAt) : undefined}>{l.expiresAt ? relativeTime(l.expiresAt) : "never"}</Table.Td>
                    <Table.Td ta="right" title={l.lastViewedAt ? `Last opened ${absoluteTime(l.lastViewedAt)}` : "Never opened"}>
                      {l.views}
                    </Table.Td>
                    <Table.Td>
                      <Badge size="sm" variant="light" color={STATUS_COLOR[l.status]}>
                        {l.status}
                      </Badge>
                    </Table.Td>
                    <Table.Td>
                      <Group gap={4} wrap="nowrap" justify="flex-end">
                        {l.status === "active" && (
                          <>
                            <CopyButton value={linkUrl(l.path)}>
                              {({ copied, copy }) => (
                                <Tooltip label={copied ? "Copied" : "Copy link"} withArrow>
                                  <ActionIcon variant="subtle" color={copied ? "teal" : "gray"} onClick={copy} aria-label="Copy link">
                                    {copied ? <IconCheck size={15} /> : <IconCopy size={15} />}
                                  </ActionIcon>
                                </Tooltip>
                              )}
                            </CopyButton>
                            <Button size="compact-xs" variant="light" color="red" onClick={() => setRevoking(l)}>
                              Revoke
                            </Button>
                          </>
                        )}
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </ScrollArea.Autosize>
        )}
      </Stack>
      <ConfirmModal
        opened={!!revoking}
        title="Revoke this link?"
        confirmLabel="Revoke link"
        loading={revoke.isPending}
        onConfirm={() => revoking && revoke.mutate({ id: revoking.id })}
        onClose={() => setRevoking(null)}
      >
        Anyone opening it from now on is told it is no longer available. This cannot be undone; you can share the result again.
      </ConfirmModal>
    </Modal>
  );
}
