"use client";
import { ActionIcon, Alert, Group, ScrollArea, Skeleton, Stack, Text, TextInput, Tooltip, UnstyledButton } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { notifications } from "@mantine/notifications";
import { IconAlertCircle, IconChevronRight, IconDatabase, IconRefresh, IconSearch, IconX } from "@tabler/icons-react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useMemo, useState } from "react";
import { useTRPC } from "@/lib/trpc";
import { copyText } from "@/components/ui/clipboard";
import { groupTables } from "./schema-groups";
import { SchemaTableRow } from "./schema-table-row";
import { TablePreview } from "./table-preview";
import { qualifiedName, quoteIdent } from "../monaco/sql-identifiers";
import classes from "./sidebar.module.css";
import { relativeTime } from "@/components/ui/format";
import { errorInfo } from "@/components/ui/feedback";
import type { Engine, SchemaTable } from "../types";

interface SchemaBrowserProps {
  dataSourceId: string | null;
  engine: Engine | undefined;
  /** The data source's database: MySQL's tables are grouped under it. */
  database?: string;
  onInsert: (text: string) => void;
  onQuery: (sql: string, title: string) => void;
}

/** Tables and views of the chosen data source, from Quarry's schema cache. */
export function SchemaBrowser({ dataSourceId, engine, database, onInsert, onQuery }: SchemaBrowserProps) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const schema = useQuery(trpc.datasources.schema.queryOptions({ id: dataSourceId ?? "" }, { enabled: !!dataSourceId, staleTime: 5 * 60_000 }));
  const sync = useMutation(
    trpc.datasources.sync.mutationOptions({
      onSuccess: (data, { id }) => {
        queryClient.setQueryData(trpc.datasources.schema.queryKey({ id }), { ...data, dataSourceId: id });
        notifications.show({ color: "teal", title: "Schema refreshed", message: `${data.schema.tables.length} tables and views`, autoClose: 2000 });
      },
      onError: (error) => notifications.show({ color: "red", title: "Could not refresh the schema", message: errorInfo(error).message }),
    }),
  );
  const [search, setSearch] = useState("");
  const [debounced] = useDebouncedValue(search.trim().toLowerCase(), 120);
  const [expanded, setExpanded] = useState<Set<string>>(() => new Set());
  const [collapsedGroups, setCollapsedGroups] = useState<Set<string>>(() => new Set());
  const [preview, setPreview] = useState<SchemaTable | null>(null);

  const tables = schema.data?.schema.tables;
  const filtered = useMemo((): { table: SchemaTable; columnFilter: string | null }[] => {
    if (!tables) return [];
    const sorted = [...tables].sort((a, b) => (a.type === b.type ? a.name.localeCompare(b.name) : a.type === "table" ? -1 : 1));
    if (!debounced) return sorted.map((table) => ({ table, columnFilter: null }));
    return sorted.flatMap((table) => {
      if (table.name.toLowerCase().includes(debounced)) return [{ table, columnFilter: null as string | null }];
      return table.columns.some((c) => c.name.toLowerCase().includes(debounced)) ? [{ table, columnFilter: debounced }] : [];
    });
  }, [tables, debounced]);

  const groups = useMemo(() => groupTables(filtered.map((f) => ({ ...f, schema: f.table.schema, name: f.table.name })), engine, database), [filtered, engine, database]);
  const toggleGroup = (name: string) =>
    setCollapsedGroups((current) => {
      const next = new Set(current);
      if (next.has(name)) next.delete(name);
      else next.add(name);
      return next;
    });

  const onToggle = useCallback((table: SchemaTable) => {
    const name = rowKey(table);
    setExpanded((current) => {
      const next = new Set(current);
      if (next.has(name)) next.delete(name);
      else next.add(name);
      return next;
    });
  }, []);
  const insert = useCallback(
    (text: string, kind: "table" | "column", table: SchemaTable) =>
      onInsert(kind === "table" ? qualifiedName(table, engine) : quoteIdent(text, engine)),
    [onInsert, engine],
  );
  const query = useCallback(
    (table: SchemaTable) => onQuery(`SELECT *\nFROM ${qualifiedName(table, engine)}\nLIMIT 100;\n`, table.name),
    [onQuery, engine],
  );
  const insertColumns = useCallback(
    (table: SchemaTable) => onInsert(table.columns.map((c) => quoteIdent(c.name, engine)).join(", ")),
    [onInsert, engine],
  );
  const copyName = useCallback((table: SchemaTable) => void copyText(qualifiedName(table, engine)), [engine]);

  return (
    <Stack gap={0} h="100%">
      <Group px="sm" pt="sm" pb={6} gap={6} wrap="nowrap">
        <TextInput
          size="xs"
          style={{ flex: 1 }}
          placeholder="Search tables and columns"
          aria-label="Search tables and columns"
          leftSection={<IconSearch size={14} />}
          value={search}
          onChange={(e) => setSearch(e.currentTarget.value)}
          rightSection={
            search ? (
              <ActionIcon size="xs" variant="subtle" color="gray" onClick={() => setSearch("")} aria-label="Clear search">
                <IconX size={12} />
              </ActionIcon>
            ) : null
          }
        />
        <Tooltip label="Read the schema from the database again" withArrow>
          <ActionIcon
            variant="default"
            size={30}
            onClick={() => dataSourceId && sync.mutate({ id: dataSourceId })}
            loading={sync.isPending}
            disabled={!dataSourceId}
            aria-label="Refresh schema"
          >
            <IconRefresh size={15} />
          </ActionIcon>
        </Tooltip>
      </Group>
      <Text size="xs" c="dimmed" px="sm" pb={6}>
        {schema.data
          ? `${tables?.length ?? 0} objects · synced ${relativeTime(schema.data.lastSynced)}`
          : schema.isFetching
            ? "Reading the schema…"
            : "\u00a0"}
      </Text>
      <ScrollArea style={{ flex: 1 }} scrollbars="y" type="hover" offsetScrollbars={false}>
        <div className={classes.tree} data-testid="schema-browser">
          {!dataSourceId && <Empty text="Pick a data source to browse its tables." />}
          {schema.isPending && dataSourceId && <SchemaSkeleton />}
          {schema.isError && (
            <Alert m="sm" color="red" variant="light" icon={<IconAlertCircle size={16} />} title="Schema unavailable">
              {errorInfo(schema.error).message}
            </Alert>
          )}
          {tables && filtered.length === 0 && <Empty text={debounced ? `Nothing matches “${search.trim()}”.` : "This data source has no tables yet."} />}
          {(groups ?? [{ name: "", items: filtered }]).map((group) => {
            const open = !groups || debounced !== "" || !collapsedGroups.has(group.name);
            const rows = group.items.map(({ table, columnFilter }) => (
              <SchemaTableRow
                key={`${table.schema ?? ""}.${table.name}`}
                table={table}
                engine={engine}
                expanded={expanded.has(rowKey(table)) || columnFilter !== null}
                columnFilter={columnFilter}
                onToggle={onToggle}
                onInsert={insert}
                onQuery={query}
                onInsertColumns={insertColumns}
                onCopyName={copyName}
                onPreview={setPreview}
              />
            ));
            if (!groups) return rows;
            return (
              <div key={group.name} data-testid="schema-group" data-group={group.name}>
                <UnstyledButton className={classes.groupRow} onClick={() => toggleGroup(group.name)} aria-expanded={open}>
                  <IconChevronRight size={13} className={classes.chevron} data-open={open || undefined} aria-hidden />
                  <IconDatabase size={13} stroke={1.6} aria-hidden />
                  <Text size="xs" fw={600} truncate span style={{ flex: 1 }}>
                    {group.name}
                  </Text>
                  <Text size="xs" c="dimmed" span>
                    {group.items.length}
                  </Text>
                </UnstyledButton>
                {open && rows}
              </div>
            );
          })}
        </div>
      </ScrollArea>
      <TablePreview dataSourceId={dataSourceId} engine={engine} table={preview} onClose={() => setPreview(null)} />
    </Stack>
  );
}

/** Two schemas may hold a table of the same name: expansion is per schema and name. */
const rowKey = (table: SchemaTable) => `${table.schema ?? ""}.${table.name}`;

function Empty({ text }: { text: string }) {
  return (
    <Text size="sm" c="dimmed" ta="center" px="md" py="xl">
      {text}
    </Text>
  );
}

function SchemaSkeleton() {
  return (
    <Stack gap={10} p="sm" role="status" aria-busy="true" aria-label="Loading the schema">
      {[70, 55, 80, 60, 45, 75, 65].map((w, i) => (
        <Group key={i} gap={8} wrap="nowrap">
          <Skeleton h={14} w={14} radius="sm" />
          <Skeleton h={12} w={`${w}%`} radius="sm" />
        </Group>
      ))}
    </Stack>
  );
}
