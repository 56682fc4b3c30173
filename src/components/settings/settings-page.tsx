"use client";
import { Anchor, Button, Card, Group, NumberInput, Select, Stack, Switch, Text, TextInput, Title } from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useEffect, useState } from "react";
import { useTRPC } from "@/lib/trpc";
import { errorInfo, notifyError, notifySuccess } from "@/components/ui/feedback";
import { SchedulesCard } from "@/components/schedules/schedules-card";

const THEMES = [
  { value: "auto", label: "Follow the system" },
  { value: "light", label: "Light" },
  { value: "dark", label: "Dark" },
];
const LANGUAGES = ["en", "de", "fr", "es", "pt", "it", "nl", "ja", "zh"];
const zones = (): string[] => {
  const intl = Intl as unknown as { supportedValuesOf?: (k: string) => string[] };
  return ["UTC", ...(intl.supportedValuesOf?.("timeZone") ?? []).filter((z) => z !== "UTC")];
};

/** Your preferences (over the organisation's defaults) and, for admins, the organisation's. */
export function SettingsPage() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const settings = useQuery(trpc.settings.get.queryOptions());
  const sources = useQuery(trpc.datasources.list.queryOptions());
  const [form, setForm] = useState<{ theme: string; timezone: string; language: string; defaultDataSourceId: string | null; editorFontSize: number } | null>(null);
  const [org, setOrg] = useState<{ name: string; timezone: string; language: string; requireMfa: boolean } | null>(null);
  useEffect(() => {
    if (!settings.data) return;
    setForm(settings.data.user);
    const o = settings.data.organization;
    setOrg({ name: o.name, timezone: o.timezone, language: o.language, requireMfa: o.requireMfa });
  }, [settings.data]);

  const save = useMutation(
    trpc.settings.update.mutationOptions({
      onSuccess: (data) => {
        queryClient.setQueryData(trpc.settings.get.queryKey(), data);
        notifySuccess("Settings saved");
      },
      onError: (e) => notifyError("Could not save", e),
    }),
  );
  if (settings.isError) return <Text p="lg" c="red">{errorInfo(settings.error).message}</Text>;
  if (!form || !org || !settings.data) return null;
  const tz = zones();

  return (
    <Stack p="lg" gap="md" maw={720}>
      <Group justify="space-between">
        <Title order={1} fz="h2">Settings</Title>
        <Anchor component={Link} href="/settings/security">
          Security and two-factor sign-in
        </Anchor>
      </Group>
      <Card withBorder radius="md">
        <Stack gap="sm">
          <Text fw={600}>Your preferences</Text>
          <Select label="Theme" data={THEMES} value={form.theme} allowDeselect={false} onChange={(v) => v && setForm({ ...form, theme: v })} />
          <Select label="Time zone (times are shown in it)" searchable data={tz} value={form.timezone} allowDeselect={false} onChange={(v) => v && setForm({ ...form, timezone: v })} />
          <Select label="Language" data={LANGUAGES} value={form.language} allowDeselect={false} onChange={(v) => v && setForm({ ...form, language: v })} />
          <Select
            label="Default data source"
            clearable
            data={(sources.data ?? []).map((s) => ({ value: s.id, label: s.name }))}
            value={form.defaultDataSourceId}
            onChange={(v) => setForm({ ...form, defaultDataSourceId: v })}
          />
          <NumberInput label="Editor font size" min={10} max={24} value={form.editorFontSize} onChange={(v) => typeof v === "number" && setForm({ ...form, editorFontSize: v })} />
          <Group>
            <Button loading={save.isPending} onClick={() => save.mutate({ user: form })}>
              Save preferences
            </Button>
          </Group>
        </Stack>
      </Card>
      <SchedulesCard />
      {settings.data.canEditOrganization && (
        <Card withBorder radius="md">
          <Stack gap="sm">
            <Text fw={600}>Organisation (defaults for everyone)</Text>
            <TextInput label="Name" value={org.name} onChange={(e) => setOrg({ ...org, name: e.currentTarget.value })} />
            <Select label="Default time zone" searchable data={tz} value={org.timezone} allowDeselect={false} onChange={(v) => v && setOrg({ ...org, timezone: v })} />
            <Select label="Default language" data={LANGUAGES} value={org.language} allowDeselect={false} onChange={(v) => v && setOrg({ ...org, language: v })} />
            <Switch
              label="Require two-factor sign-in for everyone"
              description="Users without it are asked to turn it on when they sign in"
              checked={org.requireMfa}
              onChange={(e) => setOrg({ ...org, requireMfa: e.currentTarget.checked })}
            />
            <Group>
              <Button loading={save.isPending} onClick={() => save.mutate({ organization: org })}>
                Save organisation settings
              </Button>
            </Group>
          </Stack>
        </Card>
      )}
    </Stack>
  );
}
