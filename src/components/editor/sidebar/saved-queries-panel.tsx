"use client";
import { ActionIcon, Alert, Badge, CloseButton, Group, ScrollArea, Select, Stack, Text, TextInput, Tooltip } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { IconAlertCircle, IconBookmarks, IconLink, IconRefresh, IconSearch, IconTag } from "@tabler/icons-react";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { memo, useState } from "react";
import { useTRPC } from "@/lib/trpc";
import { ListSkeleton } from "./history-panel";
import { SavedQueryItem } from "./saved-query-item";
import { SavedQueryVersionsModal } from "./saved-query-versions-modal";
import { FolderBar, type FolderFilter } from "./saved-query-folders";
import { ShareLinksModal } from "./share-links-modal";
import { errorInfo } from "@/components/ui/feedback";
import type { SavedQuery } from "../types";

type Sort = "recent" | "updated" | "title" | "oldest";

const SORTS: { value: Sort; label: string }[] = [
  { value: "updated", label: "Last updated" },
  { value: "recent", label: "Newest" },
  { value: "oldest", label: "Oldest" },
  { value: "title", label: "Title A–Z" },
];

interface SavedQueriesPanelProps {
  onOpen: (query: { title: string; sql: string; dataSourceId: string | null; savedQueryId?: string }) => void;
}

/** Saved queries the caller owns or was given; open, delete, browse versions. */
export const SavedQueriesPanel = memo(function SavedQueriesPanel({ onOpen }: SavedQueriesPanelProps) {
  const trpc = useTRPC();
  const [search, setSearch] = useState("");
  const [sort, setSort] = useState<Sort>("updated");
  const [tag, setTag] = useState<string | null>(null);
  const [versionsOf, setVersionsOf] = useState<SavedQuery | null>(null);
  const [folder, setFolder] = useState<FolderFilter>("all");
  const [linksOpened, setLinksOpened] = useState(false);
  const [debounced] = useDebouncedValue(search.trim(), 250);
  const list = useQuery(
    trpc.savedQueries.list.queryOptions(
      { page: 1, pageSize: 100, search: debounced || undefined, tag: tag ?? undefined, sort, folderId: folder === "all" ? undefined : folder },
      { placeholderData: keepPreviousData },
    ),
  );

  return (
    <Stack gap={0} h="100%">
      <Stack gap={6} px="sm" pt="sm" pb={8}>
        <Group gap={6} wrap="nowrap">
          <TextInput
            size="xs"
            style={{ flex: 1 }}
            placeholder="Search titles, SQL, tags"
            aria-label="Search saved queries"
            leftSection={<IconSearch size={14} />}
            value={search}
            onChange={(e) => setSearch(e.currentTarget.value)}
          />
          <Tooltip label="Refresh" withArrow>
            <ActionIcon variant="default" size={30} onClick={() => void list.refetch()} loading={list.isFetching} aria-label="Refresh saved queries">
              <IconRefresh size={15} />
            </ActionIcon>
          </Tooltip>
          <Tooltip label="Your share links" withArrow>
            <ActionIcon variant="default" size={30} onClick={() => setLinksOpened(true)} aria-label="Your share links">
              <IconLink size={15} />
            </ActionIcon>
          </Tooltip>
        </Group>
        <Group gap={6} wrap="nowrap">
          <FolderBar value={folder} onChange={setFolder} />
        </Group>
        <Group gap={6} wrap="nowrap" justify="space-between">
          <Select
            size="xs"
            w={140}
            aria-label="Sort saved queries"
            data={SORTS}
            value={sort}
            onChange={(v) => v && setSort(v as Sort)}
            allowDeselect={false}
          />
          {tag && (
            <Badge
              variant="light"
              leftSection={<IconTag size={11} />}
              rightSection={<CloseButton size="xs" onClick={() => setTag(null)} aria-label={`Stop filtering by ${tag}`} />}
              style={{ textTransform: "none" }}
            >
              {tag}
            </Badge>
          )}
        </Group>
      </Stack>
      <ScrollArea style={{ flex: 1 }} scrollbars="y" type="hover">
        <Stack gap={2} px={6} pb="sm" data-testid="saved-list">
          {list.isPending && <ListSkeleton />}
          {list.isError && (
            <Alert m="xs" color="red" variant="light" icon={<IconAlertCircle size={16} />}>
              {errorInfo(list.error).message}
            </Alert>
          )}
          {list.data?.items.length === 0 && (
            <Stack align="center" gap={6} py="xl" px="md">
              <IconBookmarks size={26} stroke={1.4} color="var(--mantine-color-dimmed)" />
              <Text size="sm" c="dimmed" ta="center">
                {debounced || tag || folder !== "all" ? "No saved query matches." : "Save a query (Ctrl+S) to keep it here, with its versions."}
              </Text>
            </Stack>
          )}
          {list.data?.items.map((q) => (
            <SavedQueryItem
              key={q.id}
              query={q}
              onOpen={() => onOpen({ title: q.title, sql: q.sql, dataSourceId: q.dataSourceId, savedQueryId: q.id })}
              onTag={setTag}
              onVersions={() => setVersionsOf(q)}
            />
          ))}
        </Stack>
      </ScrollArea>
      <ShareLinksModal opened={linksOpened} onClose={() => setLinksOpened(false)} />
      <SavedQueryVersionsModal query={versionsOf} onClose={() => setVersionsOf(null)} onOpen={onOpen} />
    </Stack>
  );
});
