"use client";
import { Select } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useTRPC } from "@/lib/trpc";
import { errorInfo } from "@/components/ui/feedback";
import { FormModal } from "@/components/ui/form-modal";
import { useFolders } from "./saved-query-folders";
import type { SavedQuery } from "../types";

/** Files one of the caller's queries in one of their folders, or in none. */
export function MoveToFolderModal({ query, onClose }: { query: SavedQuery; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const folders = useFolders();
  const [folder, setFolder] = useState<string>(query.folderId ?? "none");
  const move = useMutation(
    trpc.savedQueries.move.mutationOptions({
      onSuccess: () => {
        void queryClient.invalidateQueries({ queryKey: trpc.savedQueries.pathKey() });
        const name = folders.data?.find((f) => f.id === folder)?.name;
        notifications.show({ color: "teal", title: "Moved", message: name ? `“${query.title}” is in “${name}”.` : `“${query.title}” is in no folder.`, autoClose: 2500 });
        onClose();
      },
    }),
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    move.mutate({ id: query.id, folderId: folder === "none" ? null : folder });
  };
  return (
    <FormModal
      title={`Move “${query.title}”`}
      size="sm"
      onClose={onClose}
      onSubmit={submit}
      busy={move.isPending}
      error={move.error ? errorInfo(move.error).message : null}
      submitLabel="Move"
    >
      <Select
        label="Folder"
        data={[{ value: "none", label: "No folder" }, ...(folders.data ?? []).map((f) => ({ value: f.id, label: f.name }))]}
        value={folder}
        onChange={(v) => v && setFolder(v)}
        allowDeselect={false}
        comboboxProps={{ withinPortal: true }}
        data-autofocus
      />
    </FormModal>
  );
}
