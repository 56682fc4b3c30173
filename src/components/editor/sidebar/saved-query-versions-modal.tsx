"use client";
import { Alert, Badge, Button, Code, Group, Modal, ScrollArea, Select, Skeleton, Stack, Tabs, Text, Timeline } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconAlertCircle, IconArrowBackUp, IconArrowRight, IconExternalLink, IconGitCompare, IconHistory } from "@tabler/icons-react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { useTRPC } from "@/lib/trpc";
import { absoluteTime, relativeTime } from "@/components/ui/format";
import { errorInfo } from "@/components/ui/feedback";
import { SavedQueryDiff } from "./saved-query-diff";
import type { SavedQuery } from "../types";

interface VersionsModalProps {
  query: SavedQuery | null;
  onClose: () => void;
  onOpen: (query: { title: string; sql: string; dataSourceId: string | null; savedQueryId?: string }) => void;
}

/** Every version of a saved query, the diff between any two; reverting writes the old one back as a new version. */
export function SavedQueryVersionsModal({ query, onClose, onOpen }: VersionsModalProps) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [tab, setTab] = useState<string | null>("history");
  const [pair, setPair] = useState<{ from: number; to: number } | null>(null);
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
  const oldest = list[list.length - 1]?.version;

  useEffect(() => {
    setTab("history");
    setPair(null);
  }, [query?.id]);
  const compare = pair ?? (latest && oldest && latest !== oldest ? { from: list[1]!.version, to: latest } : null);
  const options = list.map((v) => ({ value: String(v.version), label: `v${v.version} · ${relativeTime(v.createdAt)}` }));

  return (
    <Modal opened={!!query} onClose={onClose} title={query ? `Versions of “${query.title}”` : ""} size="xl" centered>
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
      {versions.data && query && (
        <Tabs value={tab} onChange={setTab} keepMounted={false}>
          <Tabs.List mb="sm">
            <Tabs.Tab value="history" leftSection={<IconHistory size={14} />}>
              History
            </Tabs.Tab>
            <Tabs.Tab value="compare" leftSection={<IconGitCompare size={14} />} disabled={!compare}>
              Compare
            </Tabs.Tab>
          </Tabs.List>
          <Tabs.Panel value="history">
            <ScrollArea.Autosize mah="65vh">
              <Timeline active={0} bulletSize={18} lineWidth={2} pr="sm">
                {list.map((v) => (
                  <Timeline.Item
                    key={v.version}
                    data-testid="saved-query-version"
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
                          {v.chart && (
                            <Badge size="xs" variant="outline" color="gray" style={{ textTransform: "none" }}>
                              {v.chart.type} chart
                            </Badge>
                          )}
                        </Group>
                        <Group gap={4} wrap="nowrap">
                          {v.version !== oldest && (
                            <Button
                              size="compact-xs"
                              variant="subtle"
                              leftSection={<IconGitCompare size={12} />}
                              onClick={() => {
                                const previous = list.find((p) => p.version < v.version);
                                if (!previous) return;
                                setPair({ from: previous.version, to: v.version });
                                setTab("compare");
                              }}
                            >
                              Changes
                            </Button>
                          )}
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
                              onClick={() => revert.mutate({ id: query.id, version: v.version })}
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
          </Tabs.Panel>
          <Tabs.Panel value="compare">
            {compare && (
              <Stack gap="sm">
                <Group gap="xs" align="flex-end">
                  <Select
                    size="xs"
                    label="From"
                    w={200}
                    data={options}
                    value={String(compare.from)}
                    allowDeselect={false}
                    onChange={(v) => v && setPair({ ...compare, from: Number(v) })}
                  />
                  <IconArrowRight size={16} style={{ marginBottom: 8 }} />
                  <Select
                    size="xs"
                    label="To"
                    w={200}
                    data={options}
                    value={String(compare.to)}
                    allowDeselect={false}
                    onChange={(v) => v && setPair({ ...compare, to: Number(v) })}
                  />
                </Group>
                <SavedQueryDiff id={query.id} from={compare.from} to={compare.to} />
              </Stack>
            )}
          </Tabs.Panel>
        </Tabs>
      )}
    </Modal>
  );
}
