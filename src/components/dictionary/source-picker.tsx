"use client";
import { Select } from "@mantine/core";
import { IconDatabase } from "@tabler/icons-react";
import { useQuery } from "@tanstack/react-query";
import { useEffect } from "react";
import { useTRPC } from "@/lib/trpc";

/** The data sources the caller may read; picks the first when none is chosen. */
export function SourcePicker({ value, onChange }: { value: string | null; onChange: (id: string) => void }) {
  const trpc = useTRPC();
  const sources = useQuery(trpc.datasources.list.queryOptions());
  const list = (sources.data ?? []) as { id: string; name: string }[];
  useEffect(() => {
    if (!value && list[0]) onChange(list[0].id);
  }, [value, list, onChange]);
  return (
    <Select
      aria-label="Data source"
      data-testid="dictionary-source"
      w={260}
      size="sm"
      leftSection={<IconDatabase size={16} stroke={1.7} />}
      placeholder={sources.isLoading ? "Loading…" : "Pick a data source"}
      data={list.map((s) => ({ value: s.id, label: s.name }))}
      value={value}
      onChange={(id) => id && onChange(id)}
      allowDeselect={false}
    />
  );
}
