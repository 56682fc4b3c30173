"use client";
import { TextInput, Textarea } from "@mantine/core";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { notifySuccess, errorInfo } from "@/components/ui/feedback";
import { FormModal } from "@/components/ui/form-modal";
import { useTRPC } from "@/lib/trpc";
import type { Group as GroupRow } from "../types";

interface Props {
  group: GroupRow | null;
  onClose: () => void;
  onSaved: (id: string) => void;
}

export function GroupModal({ group, onClose, onSaved }: Props) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [name, setName] = useState(group?.name ?? "");
  const [description, setDescription] = useState(group?.description ?? "");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);

  const options = {
    onSuccess(saved: GroupRow) {
      void queryClient.invalidateQueries(trpc.groups.pathFilter());
      notifySuccess(group ? "Group saved" : "Group created", saved.name);
      onSaved(saved.id);
    },
    onError(error: unknown) {
      const problem = errorInfo(error);
      setErrors(problem.fieldErrors);
      setFormError(problem.message);
    },
  };
  const create = useMutation(trpc.groups.create.mutationOptions(options));
  const update = useMutation(trpc.groups.update.mutationOptions(options));
  const busy = create.isPending || update.isPending;

  function submit(event: FormEvent) {
    event.preventDefault();
    setFormError(null);
    if (!name.trim()) {
      setErrors({ name: "Name is required" });
      return;
    }
    if (group) update.mutate({ id: group.id, name: name.trim(), description: description.trim() });
    else create.mutate({ name: name.trim(), description: description.trim() });
  }

  return (
    <FormModal
      title={group ? `Edit ${group.name}` : "New group"}
      onClose={onClose}
      onSubmit={submit}
      busy={busy}
      error={formError}
      submitLabel={group ? "Save" : "Create group"}
    >
      <TextInput
        label="Name"
        required
        placeholder="e.g. Finance analysts"
        value={name}
        onChange={(e) => {
          setName(e.currentTarget.value);
          setErrors({});
        }}
        error={errors.name}
        data-autofocus
      />
      <Textarea
        label="Description"
        placeholder="Who belongs here and why"
        autosize
        minRows={2}
        value={description}
        onChange={(e) => setDescription(e.currentTarget.value)}
        error={errors.description}
      />
    </FormModal>
  );
}
