"use client";
import { Group, Select, TagsInput, TextInput } from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useTRPC } from "@/lib/trpc";
import { errorInfo, notifySuccess } from "@/components/ui/feedback";
import { FormModal } from "@/components/ui/form-modal";

const DAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];

/** Schedules a saved query: frequency, day and time (or cron), results by email and/or webhook. */
export function ScheduleModal({ opened, onClose, savedQueryId, title }: { opened: boolean; onClose: () => void; savedQueryId: string; title: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const hooks = useQuery(trpc.webhooks.list.queryOptions(undefined, { enabled: opened }));
  const [frequency, setFrequency] = useState<string>("weekly");
  const [day, setDay] = useState<string>("monday");
  const [time, setTime] = useState("09:00");
  const [cron, setCron] = useState("");
  const [emails, setEmails] = useState<string[]>([]);
  const [webhookId, setWebhookId] = useState<string | null>(null);
  const create = useMutation(
    trpc.schedules.create.mutationOptions({
      onSuccess: (s) => {
        void queryClient.invalidateQueries({ queryKey: trpc.schedules.pathKey() });
        notifySuccess("Scheduled", `Next run ${s.nextRunAt ? new Date(s.nextRunAt).toLocaleString() : "—"}`);
        onClose();
      },
    }),
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const timing = frequency === "cron" ? { cron } : { frequency: frequency as "hourly" | "daily" | "weekly" | "monthly", dayOfWeek: day, time };
    create.mutate({ savedQueryId, ...timing, notifyEmails: emails, webhookId, timezone: Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC" });
  };
  return (
    <FormModal opened={opened} title={`Schedule “${title}”`} onClose={onClose} onSubmit={submit} busy={create.isPending} error={create.error ? errorInfo(create.error).message : null} submitLabel="Schedule">
      <Group grow>
        <Select
          label="Runs"
          data={[
            { value: "hourly", label: "Hourly" },
            { value: "daily", label: "Daily" },
            { value: "weekly", label: "Weekly" },
            { value: "monthly", label: "Monthly (1st)" },
            { value: "cron", label: "Cron expression" },
          ]}
          value={frequency}
          allowDeselect={false}
          onChange={(v) => v && setFrequency(v)}
        />
        {frequency === "weekly" && <Select label="Day" data={DAYS} value={day} allowDeselect={false} onChange={(v) => v && setDay(v)} />}
        {frequency !== "cron" && <TextInput label="Time (HH:MM, your time zone)" value={time} onChange={(e) => setTime(e.currentTarget.value)} />}
        {frequency === "cron" && <TextInput label="Cron" placeholder="0 9 * * 1" value={cron} onChange={(e) => setCron(e.currentTarget.value)} />}
      </Group>
      <TagsInput label="Email the result (CSV) to" placeholder="name@company.com" value={emails} onChange={setEmails} />
      <Select
        label="And post it to a webhook"
        clearable
        placeholder="None"
        data={(hooks.data ?? []).map((h) => ({ value: h.id, label: h.url }))}
        value={webhookId}
        onChange={setWebhookId}
      />
    </FormModal>
  );
}
