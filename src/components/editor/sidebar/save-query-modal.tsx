"use client";
import { SegmentedControl, TagsInput, Text, Textarea, TextInput } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconCheck } from "@tabler/icons-react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState, type FormEvent } from "react";
import { useTRPC } from "@/lib/trpc";
import { errorInfo } from "@/components/ui/feedback";
import { FormModal } from "@/components/ui/form-modal";
import type { ChartSettings } from "../types";

interface SaveQueryModalProps {
  opened: boolean;
  onClose: () => void;
  /** The tab's text, read when the dialog opens. */
  getSql: () => string;
  dataSourceId: string | null;
  defaultTitle: string;
  /** Set when the tab came from a saved query: saving then adds a version. */
  savedQueryId?: string;
  /** The chart shown with the results, if any: saved with the query. */
  getChart?: () => ChartSettings | undefined;
  onSaved: (saved: { id: string; title: string }) => void;
}

export function SaveQueryModal({ opened, onClose, getSql, dataSourceId, defaultTitle, savedQueryId, getChart, onSaved }: SaveQueryModalProps) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const existing = useQuery(trpc.savedQueries.get.queryOptions({ id: savedQueryId ?? "" }, { enabled: opened && !!savedQueryId, retry: false }));
  const canUpdate = !!existing.data && existing.data.permission !== "read";
  const [mode, setMode] = useState<"update" | "new">("update");
  const [title, setTitle] = useState("");
  const [description, setDescription] = useState("");
  const [tags, setTags] = useState<string[]>([]);
  const [touched, setTouched] = useState(false);

  useEffect(() => {
    if (!opened) return;
    setTouched(false);
    setMode("update");
    setTitle(existing.data?.title ?? (/^Query \d+$/.test(defaultTitle) ? "" : defaultTitle));
    setDescription(existing.data?.description ?? "");
    setTags(existing.data?.tags ?? []);
  }, [opened, existing.data, defaultTitle]);

  const done = (saved: { id: string; title: string; version: number }, verb: string) => {
    void queryClient.invalidateQueries({ queryKey: trpc.savedQueries.pathKey() });
    notifications.show({ color: "teal", icon: <IconCheck size={16} />, title: verb, message: `“${saved.title}” (v${saved.version})`, autoClose: 2500 });
    onSaved(saved);
    onClose();
  };
  const create = useMutation(trpc.savedQueries.create.mutationOptions({ onSuccess: (s) => done(s, "Query saved") }));
  const update = useMutation(trpc.savedQueries.update.mutationOptions({ onSuccess: (s) => done(s, "New version saved") }));
  const pending = create.isPending || update.isPending;
  const problem = create.error ?? update.error;
  const titleError = touched && !title.trim() ? "Give the query a title" : null;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    if (!title.trim()) return;
    const body = { title: title.trim(), description, tags, sql: getSql(), dataSourceId, chart: getChart?.() };
    if (canUpdate && mode === "update" && savedQueryId) update.mutate({ id: savedQueryId, patch: body });
    else create.mutate(body);
  };

  return (
    <FormModal
      opened={opened}
      title="Save query"
      onClose={onClose}
      onSubmit={submit}
      busy={pending}
      error={problem ? errorInfo(problem).message : null}
      submitLabel="Save"
      intro={
        canUpdate && (
          <SegmentedControl
            fullWidth
            size="xs"
            value={mode}
            onChange={(v) => setMode(v === "new" ? "new" : "update")}
            data={[
              { value: "update", label: `Update “${existing.data!.title}”` },
              { value: "new", label: "Save as a new query" },
            ]}
          />
        )
      }
    >
      <TextInput label="Title" required value={title} onChange={(e) => setTitle(e.currentTarget.value)} error={titleError} maxLength={200} data-autofocus />
      <Textarea label="Description" autosize minRows={2} maxRows={6} value={description} onChange={(e) => setDescription(e.currentTarget.value)} />
      <TagsInput label="Tags" description="Press Enter after each tag" value={tags} onChange={setTags} maxTags={30} clearable splitChars={[",", " "]} />
      {canUpdate && mode === "update" && (
        <Text size="xs" c="dimmed">
          Saves version {existing.data!.version + 1}; earlier versions stay in its history.
        </Text>
      )}
    </FormModal>
  );
}
