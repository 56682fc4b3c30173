"use client";
import { Badge, Group, Select, Text } from "@mantine/core";
import { IconDatabase } from "@tabler/icons-react";
import type { DataSource } from "./types";

const ENGINE_LABEL: Record<DataSource["engine"], string> = { postgres: "PostgreSQL", mysql: "MySQL", sqlite: "SQLite" };

interface DataSourceSelectProps {
  sources: readonly DataSource[] | undefined;
  loading: boolean;
  value: string | null;
  onChange: (id: string) => void;
}

export function DataSourceSelect({ sources, loading, value, onChange }: DataSourceSelectProps) {
  const byId = new Map(sources?.map((s) => [s.id, s]));
  return (
    <Select
      aria-label="Data source"
      placeholder={loading ? "Loading data sources…" : "Pick a data source"}
      size="sm"
      w={260}
      data={(sources ?? []).map((s) => ({ value: s.id, label: s.name }))}
      value={value}
      onChange={(id) => id && onChange(id)}
      allowDeselect={false}
      searchable={(sources?.length ?? 0) > 6}
      nothingFoundMessage="No data source by that name"
      leftSection={<IconDatabase size={16} stroke={1.7} />}
      data-testid="data-source-select"
      renderOption={({ option, checked }) => {
        const source = byId.get(option.value);
        return (
          <Group gap="xs" wrap="nowrap" justify="space-between" w="100%">
            <Text size="sm" fw={checked ? 600 : 400} truncate>
              {option.label}
            </Text>
            {source && (
              <Badge size="xs" variant="light" color={source.status === "error" ? "red" : "gray"} radius="sm">
                {ENGINE_LABEL[source.engine]}
              </Badge>
            )}
          </Group>
        );
      }}
      comboboxProps={{ shadow: "md" }}
    />
  );
}

export function engineLabel(engine: DataSource["engine"]): string {
  return ENGINE_LABEL[engine];
}
