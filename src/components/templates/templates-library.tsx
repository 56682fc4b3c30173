"use client";
import { ActionIcon, Badge, Button, Card, Group, Loader, Menu, Select, SimpleGrid, Stack, Text, TextInput, Title } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { IconCopy, IconDots, IconEdit, IconPlayerPlay, IconPlus, IconSearch, IconTrash } from "@tabler/icons-react";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { useTRPC } from "@/lib/trpc";
import { ConfirmModal } from "@/components/ui/confirm-modal";
import { errorInfo, notifyError, notifySuccess } from "@/components/ui/feedback";
import { TablePager } from "@/components/ui/table-pager";
import { TemplateFormModal } from "./template-form-modal";
import type { Template } from "./types";

const PAGE_SIZE = 24;

/** The template library: browse by category or text, open one in the editor, clone, edit your own. */
export function TemplatesLibrary() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [search, setSearch] = useState("");
  const [debounced] = useDebouncedValue(search, 250);
  const [category, setCategory] = useState<string | null>(null);
  const [page, setPage] = useState(1);
  const [editing, setEditing] = useState<Template | null | undefined>(undefined);
  const [deleting, setDeleting] = useState<Template | null>(null);

  const list = useQuery(
    trpc.templates.list.queryOptions(
      { page, pageSize: PAGE_SIZE, search: debounced.trim() || undefined, category: category ?? undefined },
      { placeholderData: keepPreviousData },
    ),
  );
  const clone = useMutation(
    trpc.templates.clone.mutationOptions({
      onSuccess: (q) => {
        void queryClient.invalidateQueries({ queryKey: trpc.savedQueries.pathKey() });
        notifySuccess("Cloned into your saved queries", `“${q.title}”`);
      },
      onError: (e) => notifyError("Could not clone", e),
    }),
  );
  const remove = useMutation(
    trpc.templates.remove.mutationOptions({
      onSuccess: () => {
        setDeleting(null);
        void queryClient.invalidateQueries({ queryKey: trpc.templates.pathKey() });
      },
      onError: (e) => notifyError("Could not delete", e),
    }),
  );

  return (
    <Stack p="lg" gap="md">
      <Group justify="space-between">
        <Title order={1} fz="h2">Templates</Title>
        <Button leftSection={<IconPlus size={16} />} onClick={() => setEditing(null)}>
          New template
        </Button>
      </Group>
      <Group gap="sm">
        <TextInput
          placeholder="Search templates"
          aria-label="Search templates"
          leftSection={<IconSearch size={16} />}
          value={search}
          onChange={(e) => {
            setSearch(e.currentTarget.value);
            setPage(1);
          }}
          w={280}
        />
        <Select
          placeholder="All categories"
          aria-label="Category"
          clearable
          data={list.data?.categories ?? []}
          value={category}
          onChange={(v) => {
            setCategory(v);
            setPage(1);
          }}
          w={200}
        />
        {list.isFetching && <Loader size="xs" />}
      </Group>
      {list.isError && <Text c="red">{errorInfo(list.error).message}</Text>}
      {list.data?.items.length === 0 && <Text c="dimmed">No template matches.</Text>}
      <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }}>
        {list.data?.items.map((t) => (
          <Card key={t.id} withBorder radius="md" padding="md" data-testid="template-card">
            <Stack gap={6} h="100%">
              <Group justify="space-between" wrap="nowrap" align="flex-start">
                <Text fw={600}>{t.title}</Text>
                <Menu position="bottom-end" withinPortal>
                  <Menu.Target>
                    <ActionIcon variant="subtle" color="gray" aria-label={`Actions for ${t.title}`}>
                      <IconDots size={16} />
                    </ActionIcon>
                  </Menu.Target>
                  <Menu.Dropdown>
                    <Menu.Item leftSection={<IconCopy size={14} />} onClick={() => clone.mutate({ id: t.id })}>
                      Clone to my saved queries
                    </Menu.Item>
                    {t.canEdit && (
                      <>
                        <Menu.Item leftSection={<IconEdit size={14} />} onClick={() => setEditing(t)}>
                          Edit
                        </Menu.Item>
                        <Menu.Item color="red" leftSection={<IconTrash size={14} />} onClick={() => setDeleting(t)}>
                          Delete
                        </Menu.Item>
                      </>
                    )}
                  </Menu.Dropdown>
                </Menu>
              </Group>
              <Text size="sm" c="dimmed" lineClamp={2}>
                {t.description || "No description"}
              </Text>
              <Group gap={4}>
                <Badge variant="light">{t.category}</Badge>
                {t.tags.map((tag) => (
                  <Badge key={tag} variant="outline" color="gray">
                    {tag}
                  </Badge>
                ))}
              </Group>
              {t.parameters.length > 0 && (
                <Text size="xs" c="dimmed" ff="monospace">
                  {t.parameters.map((p) => `${p.name}: ${p.type}`).join(", ")}
                </Text>
              )}
              <Group mt="auto" pt="xs">
                <Button size="xs" variant="light" component={Link} href={`/editor?template=${encodeURIComponent(t.id)}`} leftSection={<IconPlayerPlay size={14} />}>
                  Open in editor
                </Button>
              </Group>
            </Stack>
          </Card>
        ))}
      </SimpleGrid>
      {list.data && <TablePager total={list.data.total} page={page} pageSize={PAGE_SIZE} onPageChange={setPage} hideWhenOnePage />}
      <TemplateFormModal opened={editing !== undefined} template={editing} onClose={() => setEditing(undefined)} />
      <ConfirmModal
        opened={!!deleting}
        title="Delete template"
        confirmLabel="Delete"
        loading={remove.isPending}
        onConfirm={() => deleting && remove.mutate({ id: deleting.id })}
        onClose={() => setDeleting(null)}
      >
        {`“${deleting?.title ?? ""}” leaves the library for everyone. Saved queries cloned from it stay.`}
      </ConfirmModal>
    </Stack>
  );
}
