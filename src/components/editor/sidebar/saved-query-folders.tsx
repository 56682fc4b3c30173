"use client";
import { ActionIcon, Menu, Select, TextInput, Tooltip } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconFolderPlus, IconFolderCog, IconPencil, IconTrash } from "@tabler/icons-react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState, type FormEvent } from "react";
import { useTRPC } from "@/lib/trpc";
import { errorInfo } from "@/components/ui/feedback";
import { FormModal } from "@/components/ui/form-modal";
import { ConfirmModal } from "@/components/ui/confirm-modal";

/** "all", "none" (queries in no folder) or a folder id. */
export type FolderFilter = string;

export function useFolders() {
  const trpc = useTRPC();
  return useQuery(trpc.savedQueries.folders.list.queryOptions());
}

function FolderNameModal({ opened, title, initial, onClose, onSubmit, busy, error }: {
  opened: boolean; title: string; initial: string; onClose: () => void; onSubmit: (name: string) => void; busy: boolean; error: string | null;
}) {
  const [name, setName] = useState(initial);
  useEffect(() => {
    if (opened) setName(initial);
  }, [opened, initial]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (name.trim()) onSubmit(name.trim());
  };
  return (
    <FormModal opened={opened} title={title} onClose={onClose} onSubmit={submit} busy={busy} error={error} submitLabel="Save" size="sm">
      <TextInput label="Folder name" required maxLength={100} value={name} onChange={(e) => setName(e.currentTarget.value)} data-autofocus />
    </FormModal>
  );
}

/** Picks which folder the list shows, and makes, renames and deletes the caller's folders. */
export function FolderBar({ value, onChange }: { value: FolderFilter; onChange: (v: FolderFilter) => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const folders = useFolders();
  const [dialog, setDialog] = useState<"create" | "rename" | "delete" | null>(null);
  const current = folders.data?.find((f) => f.id === value) ?? null;
  const refresh = () => void queryClient.invalidateQueries({ queryKey: trpc.savedQueries.pathKey() });
  const create = useMutation(
    trpc.savedQueries.folders.create.mutationOptions({
      onSuccess: (f) => {
        queryClient.setQueryData(trpc.savedQueries.folders.list.queryKey(), (old) => [...(old ?? []), f]);
        refresh();
        setDialog(null);
        onChange(f.id);
      },
    }),
  );
  const rename = useMutation(trpc.savedQueries.folders.rename.mutationOptions({ onSuccess: () => (refresh(), setDialog(null)) }));
  const remove = useMutation(
    trpc.savedQueries.folders.remove.mutationOptions({
      onSuccess: ({ movedQueries }) => {
        refresh();
        setDialog(null);
        onChange("all");
        notifications.show({ color: "teal", title: "Folder deleted", message: `${movedQueries} ${movedQueries === 1 ? "query is" : "queries are"} now in no folder.` });
      },
      onError: (error) => notifications.show({ color: "red", title: "Could not delete the folder", message: errorInfo(error).message }),
    }),
  );

  useEffect(() => {
    // A folder deleted elsewhere: back to all queries.
    if (folders.data && !folders.isFetching && value !== "all" && value !== "none" && !current) onChange("all");
  }, [folders.data, folders.isFetching, value, current, onChange]);

  const data = [
    { value: "all", label: "All folders" },
    { value: "none", label: "No folder" },
    ...(folders.data ?? []).map((f) => ({ value: f.id, label: `${f.name} (${f.queryCount})` })),
  ];
  return (
    <>
      <Select size="xs" style={{ flex: 1 }} aria-label="Folder" data={data} value={value} onChange={(v) => v && onChange(v)} allowDeselect={false} />
      <Menu position="bottom-end" shadow="md" width={180}>
        <Menu.Target>
          <Tooltip label="Folders" withArrow>
            <ActionIcon variant="default" size={30} aria-label="Manage folders">
              <IconFolderCog size={15} />
            </ActionIcon>
          </Tooltip>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Item leftSection={<IconFolderPlus size={15} />} onClick={() => (create.reset(), setDialog("create"))}>
            New folder…
          </Menu.Item>
          <Menu.Item leftSection={<IconPencil size={15} />} disabled={!current} onClick={() => (rename.reset(), setDialog("rename"))}>
            Rename folder…
          </Menu.Item>
          <Menu.Item color="red" leftSection={<IconTrash size={15} />} disabled={!current} onClick={() => setDialog("delete")}>
            Delete folder…
          </Menu.Item>
        </Menu.Dropdown>
      </Menu>
      <FolderNameModal
        opened={dialog === "create"}
        title="New folder"
        initial=""
        onClose={() => setDialog(null)}
        onSubmit={(name) => create.mutate({ name })}
        busy={create.isPending}
        error={create.error ? errorInfo(create.error).message : null}
      />
      <FolderNameModal
        opened={dialog === "rename"}
        title="Rename folder"
        initial={current?.name ?? ""}
        onClose={() => setDialog(null)}
        onSubmit={(name) => current && rename.mutate({ id: current.id, name })}
        busy={rename.isPending}
        error={rename.error ? errorInfo(rename.error).message : null}
      />
      <ConfirmModal
        opened={dialog === "delete"}
        title="Delete folder?"
        confirmLabel="Delete folder"
        loading={remove.isPending}
        onConfirm={() => current && remove.mutate({ id: current.id })}
        onClose={() => setDialog(null)}
      >
        “{current?.name}” will be deleted. Its {current?.queryCount ?? 0} {current?.queryCount === 1 ? "query stays" : "queries stay"}, in no folder.
      </ConfirmModal>
    </>
  );
}
