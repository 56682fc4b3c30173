"use client";
import { Alert, Badge, Button, Group, NavLink, Paper, Progress, ScrollArea, Stack, Table, Text, TextInput, Title } from "@mantine/core";
import { IconSparkles, IconTable } from "@tabler/icons-react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "@/lib/trpc";
import { notifyError, notifySuccess } from "@/components/ui/feedback";
import { ColumnRow, type ColumnView } from "./column-row";
import { SourcePicker } from "./source-picker";

/** Browse and edit the data dictionary; run auto-guess and watch its progress. */
export function DictionaryView() {
  const trpc = useTRPC();
  const client = useQueryClient();
  const [source, setSource] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [jobId, setJobId] = useState<string | null>(null);
  const tables = useQuery({ ...trpc.dictionary.tables.queryOptions({ dataSourceId: source ?? undefined }), enabled: !!source });
  const current = selected ?? tables.data?.tables[0]?.name ?? null;
  const detail = useQuery({ ...trpc.dictionary.table.queryOptions({ dataSourceId: source ?? undefined, table: current ?? "" }), enabled: !!source && !!current });
  const sources = useQuery(trpc.datasources.list.queryOptions());
  const canEdit = !!(sources.data as { id: string; access?: { canWrite: boolean } }[] | undefined)?.find((s) => s.id === source)?.access?.canWrite;
  const refresh = () => client.invalidateQueries({ queryKey: trpc.dictionary.pathKey() });
  const saveColumn = useMutation(trpc.dictionary.updateColumn.mutationOptions({ onSuccess: () => { notifySuccess("Saved"); refresh(); }, onError: (e) => notifyError("Could not save", e) }));
  const saveTable = useMutation(trpc.dictionary.updateTable.mutationOptions({ onSuccess: () => { notifySuccess("Saved"); refresh(); }, onError: (e) => notifyError("Could not save", e) }));
  const decide = useMutation(trpc.dictionary.decide.mutationOptions({ onSuccess: refresh, onError: (e) => notifyError("Could not decide", e) }));
  const guess = useMutation(trpc.dictionary.autoGuess.mutationOptions({ onSuccess: (j) => setJobId(j.jobId), onError: (e) => notifyError("Auto-guess could not start", e) }));
  const job = useQuery({
    ...trpc.jobs.get.queryOptions({ id: jobId ?? "" }),
    enabled: !!jobId,
    refetchInterval: (q) => (q.state.data && ["completed", "failed", "cancelled"].includes(q.state.data.status) ? false : 700),
  });
  if (job.data && ["completed", "failed", "cancelled"].includes(job.data.status) && jobId) {
    setJobId(null);
    refresh();
  }
  const [tableAlias, setTableAlias] = useState<Record<string, string>>({});

  return (
    <Stack gap="md" p="md">
      <Group justify="space-between">
        <Title order={1} fz="h3">Data dictionary</Title>
        <Group>
          <SourcePicker value={source} onChange={(id) => { setSource(id); setSelected(null); }} />
          <Button leftSection={<IconSparkles size={16} />} disabled={!canEdit || !source} loading={guess.isPending || !!jobId} onClick={() => guess.mutate({ dataSourceId: source ?? undefined })} data-testid="auto-guess">
            Auto-guess
          </Button>
        </Group>
      </Group>
      {jobId && job.data && <Progress value={job.data.progress} animated aria-label="Auto-guess progress" />}
      {!canEdit && source && <Alert color="gray">You may read this dictionary; editing needs write access to the data source.</Alert>}
      <Group align="flex-start" wrap="nowrap" gap="md">
        <Paper withBorder w={240} p={4}>
          <ScrollArea h={560}>
            {(tables.data?.tables ?? []).map((t) => (
              <NavLink key={`${t.schema}.${t.name}`} label={t.name} description={t.alias || undefined} leftSection={<IconTable size={14} />} active={t.name === current} onClick={() => setSelected(t.name)}
                rightSection={t.state !== "present" ? <Badge size="xs" color="red">{t.state}</Badge> : <Text size="xs" c="dimmed">{t.rowCount ?? ""}</Text>} data-testid={`table-${t.name}`} />
            ))}
          </ScrollArea>
        </Paper>
        {detail.data && (
          <Stack flex={1} gap="xs" miw={0}>
            <Group align="flex-end">
              <TextInput label="Table alias" size="xs" w={240} disabled={!canEdit} value={tableAlias[detail.data.name] ?? detail.data.alias}
                onChange={(e) => setTableAlias({ ...tableAlias, [detail.data!.name]: e.currentTarget.value })}
                onBlur={() => { const v = tableAlias[detail.data!.name]; if (v !== undefined && v !== detail.data!.alias) saveTable.mutate({ dataSourceId: source ?? undefined, table: detail.data!.name, patch: { alias: v } }); }} data-testid="table-alias" />
              <Text size="xs" c="dimmed">{detail.data.relationships.map((r) => (r.direction === "outgoing" ? `${r.columns.join(",")} → ${r.referencedTable}` : `${r.table} → here`)).join(" · ")}</Text>
            </Group>
            {/* A narrow window scrolls the columns table, not the page. */}
            <Table.ScrollContainer minWidth={640}>
            <Table striped withTableBorder verticalSpacing={4}>
              <Table.Thead><Table.Tr><Table.Th>Column</Table.Th><Table.Th>Alias</Table.Th><Table.Th>Description</Table.Th><Table.Th>Tags</Table.Th><Table.Th>Samples</Table.Th><Table.Th>Proposals</Table.Th></Table.Tr></Table.Thead>
              <Table.Tbody>
                {detail.data.columns.map((c) => (
                  <ColumnRow key={`${detail.data!.name}.${c.name}.${c.updatedAt}`} column={c as ColumnView} canEdit={canEdit && c.state === "present"}
                    onSave={(patch) => saveColumn.mutate({ dataSourceId: source ?? undefined, table: detail.data!.name, column: c.name, patch })}
                    onDecide={(field, decision) => decide.mutate({ dataSourceId: source ?? undefined, table: detail.data!.name, column: c.name, field, decision })} />
                ))}
              </Table.Tbody>
            </Table>
            </Table.ScrollContainer>
          </Stack>
        )}
      </Group>
    </Stack>
  );
}
