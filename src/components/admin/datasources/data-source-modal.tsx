"use client";
import {
  Alert,
  Button,
  Divider,
  Group,
  NumberInput,
  PasswordInput,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Switch,
  Text,
  TextInput,
  Textarea,
} from "@mantine/core";
import { IconAlertTriangle, IconPlugConnectedX } from "@tabler/icons-react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { notifySuccess, errorInfo } from "@/components/ui/feedback";
import { FormModal } from "@/components/ui/form-modal";
import type { Engine } from "@/lib/engine";
import { useTRPC } from "@/lib/trpc";
import type { DataSource } from "../types";

const DEFAULT_PORT: Record<Engine, number | null> = { postgres: 5432, mysql: 3306, sqlite: null };

interface Draft {
  name: string;
  engine: Engine;
  host: string;
  port: number | "";
  database: string;
  username: string;
  password: string;
  sslMode: "disable" | "require" | "verify-full";
  description: string;
  twoApprovalsForHighRisk: boolean;
  backupBeforeCommit: boolean;
  readRole: string;
}

function draftOf(ds: DataSource | null): Draft {
  return {
    name: ds?.name ?? "",
    engine: ds?.engine ?? "postgres",
    host: ds?.host ?? "",
    port: ds?.port ?? "",
    database: ds?.database ?? "",
    username: ds?.username ?? "",
    password: "",
    sslMode: (ds?.sslMode as Draft["sslMode"]) ?? "disable",
    description: ds?.description ?? "",
    twoApprovalsForHighRisk: ds?.twoApprovalsForHighRisk ?? false,
    backupBeforeCommit: ds?.backupBeforeCommit ?? false,
    readRole: ds?.readRole ?? "",
  };
}

interface Props {
  /** null: create a new one. */
  dataSource: DataSource | null;
  opened: boolean;
  onClose: () => void;
  /** Called with the saved data source (to test its connection right away). */
  onSaved: (saved: DataSource, created: boolean) => void;
}

export function DataSourceModal({ dataSource, opened, onClose, onSaved }: Props) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState<Draft>(() => draftOf(dataSource));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  /** Why the last connection test of these exact settings failed; cleared by any edit. */
  const [testFailure, setTestFailure] = useState<string | null>(null);
  const editing = dataSource !== null;

  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => {
    setDraft((d) => ({ ...d, [key]: value }));
    setErrors((e) => ({ ...e, [key]: "" }));
    setTestFailure(null);
  };

  function failed(error: unknown) {
    const problem = errorInfo(error);
    setErrors(problem.fieldErrors);
    setFormError(problem.message);
  }

  function saved(ds: DataSource, created: boolean) {
    void queryClient.invalidateQueries(trpc.datasources.pathFilter());
    notifySuccess(created ? "Data source added" : "Data source saved", ds.name);
    onSaved(ds, created);
  }

  const create = useMutation(trpc.datasources.create.mutationOptions({ onSuccess: (ds) => saved(ds, true), onError: failed }));
  const update = useMutation(trpc.datasources.update.mutationOptions({ onSuccess: (ds) => saved(ds, false), onError: failed }));
  const testDraft = useMutation(trpc.datasources.testDraft.mutationOptions({ onError: failed }));
  const busy = create.isPending || update.isPending || testDraft.isPending;
  const sqlite = draft.engine === "sqlite";

  function save(input: NonNullable<ReturnType<typeof inputOf>>) {
    if (editing) update.mutate({ id: dataSource.id, patch: input });
    else create.mutate(input);
  }

  /** Tests the settings first: a source that cannot connect is saved only by an explicit "Save anyway". */
  function submit(event: FormEvent) {
    event.preventDefault();
    const input = inputOf();
    if (!input) return;
    setTestFailure(null);
    testDraft.mutate(
      { draft: input, ...(editing ? { existingId: dataSource.id } : {}) },
      { onSuccess: (result) => (result.ok ? save(input) : setTestFailure(result.message || "The connection test failed")) },
    );
  }

  function saveAnyway() {
    const input = inputOf();
    if (input) save(input);
  }

  function inputOf() {
    const local: Record<string, string> = {};
    if (!draft.name.trim()) local.name = "Name is required";
    if (!draft.database.trim()) local.database = sqlite ? "The database file is required" : "The database name is required";
    if (!sqlite && !draft.host.trim()) local.host = "Host is required";
    setErrors(local);
    setFormError(null);
    if (Object.keys(local).length) return null;
    return {
      name: draft.name.trim(),
      engine: draft.engine,
      database: draft.database.trim(),
      description: draft.description,
      twoApprovalsForHighRisk: draft.twoApprovalsForHighRisk,
      backupBeforeCommit: draft.backupBeforeCommit,
      ...(sqlite
        ? {}
        : {
            host: draft.host.trim(),
            port: draft.port === "" ? null : draft.port,
            username: draft.username.trim(),
            sslMode: draft.sslMode,
            // Only PostgreSQL can drop to a role per transaction; other engines clear it.
            readRole: draft.engine === "postgres" ? draft.readRole.trim() || null : null,
            // Editing: an empty field keeps the stored password.
            ...(draft.password || !editing ? { password: draft.password || null } : {}),
          }),
    };
  }

  return (
    <FormModal
      opened={opened}
      title={editing ? `Edit ${dataSource.name}` : "Add a data source"}
      size="lg"
      gap="md"
      onClose={onClose}
      onSubmit={submit}
      busy={busy}
      error={formError}
      submitLabel={testFailure ? "Test again" : editing ? "Save changes" : "Add data source"}
      intro={
        testFailure && (
          <Alert color="red" variant="light" icon={<IconPlugConnectedX size={18} />} title="The connection test failed" role="alert" data-testid="ds-test-failure">
            <Stack gap="xs">
              <Text size="sm" style={{ overflowWrap: "anywhere" }}>
                {testFailure}
              </Text>
              <Text size="sm">Fix the settings and test again, or save them as they are: queries on this source fail until it connects.</Text>
              <Group>
                <Button size="xs" color="red" variant="outline" onClick={saveAnyway} loading={create.isPending || update.isPending}>
                  Save anyway
                </Button>
              </Group>
            </Stack>
          </Alert>
        )
      }
    >
      {editing && dataSource.warnings.length > 0 && (
        <Alert color="yellow" variant="light" icon={<IconAlertTriangle size={18} />} title="This login can do more than read" data-testid="ds-warnings">
          <Stack gap={4}>
            {dataSource.warnings.map((w) => (
              <Text key={w} size="sm">
                {w}
              </Text>
            ))}
            <Text size="xs" c="dimmed">
              Reads are still kept read-only, but a least-privilege login or a read role limits what a missed check could do.
            </Text>
          </Stack>
        </Alert>
      )}
      <TextInput label="Name" required value={draft.name} onChange={(e) => set("name", e.currentTarget.value)} error={errors.name} data-autofocus />
      <Stack gap={4}>
        <Text size="sm" fw={500}>
          Engine
        </Text>
        <SegmentedControl
          fullWidth
          value={draft.engine}
          onChange={(v) => {
            const engine = v as Engine;
            setDraft((d) => ({ ...d, engine, port: d.port === "" || d.port === DEFAULT_PORT[d.engine] ? (DEFAULT_PORT[engine] ?? "") : d.port }));
          }}
          data={[
            { value: "postgres", label: "PostgreSQL" },
            { value: "mysql", label: "MySQL / MariaDB" },
            { value: "sqlite", label: "SQLite" },
          ]}
          aria-label="Engine"
        />
      </Stack>
      {sqlite ? (
        <TextInput
          label="Database file"
          description="A path on the Quarry server, e.g. /srv/data/shop.sqlite"
          required
          value={draft.database}
          onChange={(e) => set("database", e.currentTarget.value)}
          error={errors.database}
          ff="monospace"
        />
      ) : (
        <>
          <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
            <TextInput
              label="Host"
              required
              placeholder="db.internal"
              value={draft.host}
              onChange={(e) => set("host", e.currentTarget.value)}
              error={errors.host}
              style={{ gridColumn: "span 2" }}
            />
            <NumberInput
              label="Port"
              placeholder={String(DEFAULT_PORT[draft.engine] ?? "")}
              min={1}
              max={65535}
              allowDecimal={false}
              value={draft.port}
              onChange={(v) => set("port", typeof v === "number" ? v : "")}
              error={errors.port}
            />
          </SimpleGrid>
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
            <TextInput label="Database" required value={draft.database} onChange={(e) => set("database", e.currentTarget.value)} error={errors.database} />
            <Select
              label="SSL"
              data={[
                { value: "disable", label: "Off" },
                { value: "require", label: "Required" },
                { value: "verify-full", label: "Required, verify certificate" },
              ]}
              value={draft.sslMode}
              onChange={(v) => v && set("sslMode", v as Draft["sslMode"])}
              allowDeselect={false}
              error={errors.sslMode}
            />
            <TextInput label="Username" value={draft.username} onChange={(e) => set("username", e.currentTarget.value)} error={errors.username} autoComplete="off" />
            <PasswordInput
              label="Password"
              value={draft.password}
              onChange={(e) => set("password", e.currentTarget.value)}
              placeholder={editing && dataSource.hasPassword ? "Unchanged" : ""}
              description={editing ? "Leave empty to keep the stored one" : "Stored encrypted, never shown again"}
              error={errors.password}
              autoComplete="new-password"
            />
          </SimpleGrid>
          {draft.engine === "postgres" && (
            <TextInput
              label="Read as role"
              placeholder="quarry_reader"
              description="Optional. Every read runs SET LOCAL ROLE to this role inside its read-only transaction, so it can do only what the role may. The login must be a member of it; writes still run as the login."
              value={draft.readRole}
              onChange={(e) => set("readRole", e.currentTarget.value)}
              error={errors.readRole}
              autoComplete="off"
              ff="monospace"
            />
          )}
        </>
      )}
      <Textarea label="Description" autosize minRows={2} maxRows={4} value={draft.description} onChange={(e) => set("description", e.currentTarget.value)} error={errors.description} />
      <Divider label="Write safeguards" labelPosition="left" />
      <Switch
        label="Two approvals for high-risk writes"
        description="High-risk statements need a second approver before they can be committed."
        checked={draft.twoApprovalsForHighRisk}
        onChange={(e) => set("twoApprovalsForHighRisk", e.currentTarget.checked)}
      />
      <Switch
        label="Back up changed rows before commit"
        description="Copies the rows an UPDATE or DELETE touches into a backup table, so it can be reverted in one click."
        checked={draft.backupBeforeCommit}
        onChange={(e) => set("backupBeforeCommit", e.currentTarget.checked)}
      />
    </FormModal>
  );
}
