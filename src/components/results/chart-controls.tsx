"use client";
import { Group, MultiSelect, SegmentedControl, Select, Text } from "@mantine/core";
import { IconChartBar, IconChartLine, IconChartPie } from "@tabler/icons-react";
import type { ChartSpec, ChartType } from "./chart-suggest";

interface ChartControlsProps {
  spec: ChartSpec;
  xOptions: string[];
  yOptions: string[];
  onChange: (spec: ChartSpec) => void;
  note?: string;
}

const TYPES = [
  { value: "bar", label: "Bar", Icon: IconChartBar },
  { value: "line", label: "Line", Icon: IconChartLine },
  { value: "pie", label: "Pie", Icon: IconChartPie },
] as const;

export function ChartControls({ spec, xOptions, yOptions, onChange, note }: ChartControlsProps) {
  return (
    <Group gap="sm" wrap="wrap" align="flex-end">
      <SegmentedControl
        size="xs"
        value={spec.type}
        onChange={(type) => onChange({ ...spec, type: type as ChartType, ys: type === "pie" ? spec.ys.slice(0, 1) : spec.ys })}
        aria-label="Chart type"
        data={TYPES.map(({ value, label, Icon }) => ({
          value,
          label: (
            <Group gap={6} wrap="nowrap" justify="center">
              <Icon size={14} stroke={1.8} />
              <span>{label}</span>
            </Group>
          ),
        }))}
      />
      <Select
        size="xs"
        w={180}
        label={spec.type === "pie" ? "Slices" : "X axis"}
        data={xOptions}
        value={spec.x}
        allowDeselect={false}
        onChange={(x) => x && onChange({ ...spec, x })}
        comboboxProps={{ withinPortal: true }}
      />
      {spec.type === "pie" ? (
        <Select
          size="xs"
          w={180}
          label="Value"
          data={yOptions}
          value={spec.ys[0] ?? null}
          allowDeselect={false}
          onChange={(y) => y && onChange({ ...spec, ys: [y] })}
        />
      ) : (
        <MultiSelect
          size="xs"
          miw={200}
          maw={420}
          label="Y axis"
          data={yOptions}
          value={spec.ys}
          onChange={(ys) => ys.length > 0 && onChange({ ...spec, ys })}
        />
      )}
      {note && (
        <Text size="xs" c="dimmed" pb={6}>
          {note}
        </Text>
      )}
    </Group>
  );
}
