"use client";
import { ActionIcon, Button, Group, NavLink, ScrollArea, Stack, Text, TextInput, Tooltip } from "@mantine/core";
import { IconMessagePlus, IconPencil, IconTrash } from "@tabler/icons-react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "@/lib/trpc";
import { ConfirmModal } from "@/components/ui/confirm-modal";
import { FormModal } from "@/components/ui/form-modal";
import { notifyError } from "@/components/ui/feedback";
import type { ChatSessionItem } from "./types";

/** The caller's sessions: pick one, start one, rename or delete one (with its history). */
export function SessionList({ active, onSelect, onCreate, creating }: { active: string | null; onSelect: (id: string | null) => void; onCreate: () => void; creating: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const sessions = useQuery(trpc.chat.sessions.queryOptions());
  const [renaming, setRenaming] = useState<ChatSessionItem | null>(null);
  const [title, setTitle] = useState("");
  const [deleting, setDeleting] = useState<ChatSessionItem | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.chat.pathKey() });
  const rename = useMutation(trpc.chat.updateSession.mutationOptions({ onSuccess: () => (setRenaming(null), refresh()), onError: (e) => notifyError("Rename failed", e) }));
  const remove = useMutation(trpc.chat.deleteSession.mutationOptions({
    onSuccess: (r) => {
      setDeleting(null);
      if (r.id === active) onSelect(null);
      void refresh();
    },
    onError: (e) => notifyError("Delete failed", e),
  }));
  const items = sessions.data?.items ?? [];

  return (
    <Stack gap="xs" h="100%">
      <Button leftSection={<IconMessagePlus size={16} />} onClick={onCreate} loading={creating} data-testid="chat-new">New chat</Button>
      <ScrollArea style={{ flex: 1 }} data-testid="chat-sessions">
        {items.length === 0 && !sessions.isLoading && <Text size="sm" c="dimmed" p="xs">No conversations yet.</Text>}
        {items.map((s) => (
          <Group key={s.id} gap={2} wrap="nowrap" className="chat-session-row">
            <NavLink
              active={s.id === active}
              label={s.title}
              description={`${s.messageCount} messages`}
              onClick={() => onSelect(s.id)}
              data-testid="chat-session"
              style={{ flex: 1, minWidth: 0 }}
              styles={{ label: { overflow: "hidden", textOverflow: "ellipsis", whiteSpace: "nowrap" } }}
            />
            <Tooltip label="Rename"><ActionIcon variant="subtle" color="gray" aria-label={`Rename ${s.title}`} onClick={() => (setTitle(s.title), setRenaming(s))}><IconPencil size={14} /></ActionIcon></Tooltip>
            <Tooltip label="Delete"><ActionIcon variant="subtle" color="red" aria-label={`Delete ${s.title}`} onClick={() => setDeleting(s)}><IconTrash size={14} /></ActionIcon></Tooltip>
          </Group>
        ))}
      </ScrollArea>
      <FormModal opened={!!renaming} title="Rename conversation" onClose={() => setRenaming(null)} submitLabel="Rename" busy={rename.isPending}
        onSubmit={(e) => { e.preventDefault(); if (renaming) rename.mutate({ id: renaming.id, title }); }}>
        <TextInput label="Title" value={title} onChange={(e) => setTitle(e.currentTarget.value)} maxLength={200} required data-autofocus data-testid="chat-rename-input" />
      </FormModal>
      <ConfirmModal opened={!!deleting} title="Delete this conversation?" confirmLabel="Delete" loading={remove.isPending} onClose={() => setDeleting(null)} onConfirm={() => deleting && remove.mutate({ id: deleting.id })}>
        “{deleting?.title}” and its whole history are deleted. Query history and usage records stay.
      </ConfirmModal>
    </Stack>
  );
}
