"use client";
import { Group, Select, Stack, TagsInput, Text, Textarea, TextInput } from "@mantine/core";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useEffect, useMemo, useState, type FormEvent } from "react";
import { PARAMETER_TYPES, parameterNames, type ParameterDefinition, type ParameterType } from "@/lib/sql-parameters";
import { useTRPC } from "@/lib/trpc";
import { errorInfo } from "@/components/ui/feedback";
import { FormModal } from "@/components/ui/form-modal";
import type { Template } from "./types";

interface Props {
  opened: boolean;
  onClose: () => void;
  /** Editing this template; creating when absent. */
  template?: Template | null;
}

/** Create or edit a template; a row per `{{name}}` / `:name` in the SQL sets its type and default. */
export function TemplateFormModal({ opened, onClose, template }: Props) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [title, setTitle] = useState("");
  const [description, setDescription] = useState("");
  const [category, setCategory] = useState("");
  const [tags, setTags] = useState<string[]>([]);
  const [sql, setSql] = useState("");
  const [defs, setDefs] = useState<Record<string, { type: ParameterType; default: string }>>({});

  useEffect(() => {
    if (!opened) return;
    setTitle(template?.title ?? "");
    setDescription(template?.description ?? "");
    setCategory(template?.category ?? "");
    setTags(template?.tags ?? []);
    setSql(template?.sql ?? "");
    setDefs(Object.fromEntries((template?.parameters ?? []).map((p) => [p.name, { type: p.type, default: p.default == null ? "" : String(p.default) }])));
  }, [opened, template]);

  const names = useMemo(() => parameterNames(sql), [sql]);
  const done = () => {
    void queryClient.invalidateQueries({ queryKey: trpc.templates.pathKey() });
    onClose();
  };
  const create = useMutation(trpc.templates.create.mutationOptions({ onSuccess: done }));
  const update = useMutation(trpc.templates.update.mutationOptions({ onSuccess: done }));
  const problem = create.error ?? update.error;
  const fieldErrors = problem ? errorInfo(problem).fieldErrors : {};

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const parameters: ParameterDefinition[] = names.map((name) => {
      const d = defs[name] ?? { type: "string" as const, default: "" };
      return { name, type: d.type, required: true, ...(d.default !== "" ? { default: d.default } : {}) };
    });
    const body = { title: title.trim(), description, category: category.trim() || undefined, tags, sql, parameters };
    if (template) update.mutate({ id: template.id, patch: body });
    else create.mutate(body);
  };

  return (
    <FormModal
      opened={opened}
      title={template ? "Edit template" : "New template"}
      size="lg"
      onClose={onClose}
      onSubmit={submit}
      busy={create.isPending || update.isPending}
      error={problem ? errorInfo(problem).message : null}
      submitLabel={template ? "Save" : "Create"}
    >
      <TextInput label="Title" required value={title} onChange={(e) => setTitle(e.currentTarget.value)} error={fieldErrors.title} data-autofocus />
      <Textarea label="Description" autosize minRows={1} value={description} onChange={(e) => setDescription(e.currentTarget.value)} />
      <Group grow>
        <TextInput label="Category" placeholder="general" value={category} onChange={(e) => setCategory(e.currentTarget.value)} />
        <TagsInput label="Tags" value={tags} onChange={setTags} />
      </Group>
      <Textarea
        label="SQL"
        description="Parameters: {{name}} or :name — they are bound as values when the template runs."
        required
        autosize
        minRows={5}
        styles={{ input: { fontFamily: "var(--mantine-font-family-monospace)" } }}
        value={sql}
        onChange={(e) => setSql(e.currentTarget.value)}
        error={fieldErrors.sql}
      />
      {names.length > 0 && (
        <Stack gap={6}>
          <Text size="sm" fw={500}>
            Parameters
          </Text>
          {names.map((name) => {
            const d = defs[name] ?? { type: "string" as const, default: "" };
            const set = (patch: Partial<typeof d>) => setDefs((all) => ({ ...all, [name]: { ...d, ...patch } }));
            return (
              <Group key={name} gap="xs" wrap="nowrap">
                <Text size="sm" ff="monospace" w={140} truncate>
                  {name}
                </Text>
                <Select
                  size="xs"
                  w={120}
                  aria-label={`Type of ${name}`}
                  data={PARAMETER_TYPES.map((t) => ({ value: t, label: t }))}
                  value={d.type}
                  allowDeselect={false}
                  onChange={(v) => v && set({ type: v as ParameterType })}
                />
                <TextInput
                  size="xs"
                  style={{ flex: 1 }}
                  aria-label={`Default of ${name}`}
                  placeholder="default (optional)"
                  value={d.default}
                  onChange={(e) => set({ default: e.currentTarget.value })}
                  error={fieldErrors[name]}
                />
              </Group>
            );
          })}
        </Stack>
      )}
    </FormModal>
  );
}
