"use client";
import { MultiSelect, Text } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState, type FormEvent } from "react";
import { useTRPC } from "@/lib/trpc";
import { errorInfo } from "@/components/ui/feedback";
import { FormModal } from "@/components/ui/form-modal";
import type { SavedQuery } from "../types";

/** Picks the groups whose members may open (never change) the query. */
export function ShareWithGroupsModal({ query, onClose }: { query: SavedQuery; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const groups = useQuery(trpc.groups.list.queryOptions({ page: 1, pageSize: 100 }));
  const initial = query.sharedWithGroups.map((g) => g.groupId);
  const [chosen, setChosen] = useState<string[]>(initial);
  const initialKey = initial.join(",");
  useEffect(() => {
    setChosen(initialKey ? initialKey.split(",") : []);
  }, [initialKey]);
  const share = useMutation(trpc.savedQueries.shareGroups.mutationOptions());
  const [pending, setPending] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const add = chosen.filter((g) => !initial.includes(g));
    const remove = initial.filter((g) => !chosen.includes(g));
    setPending(true);
    try {
      if (add.length) await share.mutateAsync({ id: query.id, groupIds: add, action: "add" });
      if (remove.length) await share.mutateAsync({ id: query.id, groupIds: remove, action: "remove" });
      void queryClient.invalidateQueries({ queryKey: trpc.savedQueries.pathKey() });
      notifications.show({ color: "teal", title: "Sharing updated", message: chosen.length ? `“${query.title}” is shared read-only with ${chosen.length} ${chosen.length === 1 ? "group" : "groups"}.` : `“${query.title}” is no longer shared with groups.`, autoClose: 2500 });
      onClose();
    } finally {
      setPending(false);
    }
  };

  // Groups already shared with stay pickable even if the list does not show them.
  const known = new Map((groups.data?.items ?? []).map((g) => [g.id, g.name]));
  for (const g of query.sharedWithGroups) if (!known.has(g.groupId)) known.set(g.groupId, g.name);
  return (
    <FormModal
      title={`Share “${query.title}” with groups`}
      onClose={onClose}
      onSubmit={(e) => void submit(e)}
      busy={pending}
      error={share.error ? errorInfo(share.error).message : groups.error ? errorInfo(groups.error).message : null}
      submitLabel="Save sharing"
    >
      <MultiSelect
        label="Groups"
        placeholder={groups.isPending ? "Loading groups…" : "Pick groups"}
        data={[...known].map(([value, label]) => ({ value, label }))}
        value={chosen}
        onChange={setChosen}
        searchable
        clearable
        comboboxProps={{ withinPortal: true }}
        data-autofocus
      />
      <Text size="xs" c="dimmed">
        Members can open, run and see the versions of this query; only you (or an admin) can change or delete it.
      </Text>
    </FormModal>
  );
}
