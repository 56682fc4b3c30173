"use client";
import { Group, Text, TextInput } from "@mantine/core";
import { IconVariable } from "@tabler/icons-react";

interface ParameterBarProps {
  names: readonly string[];
  values: Record<string, string>;
  onChange: (name: string, value: string) => void;
}

/**
 * One input per `{{name}}` / `:name` in the tab's SQL. The values are sent beside the SQL
 * and bound by the driver, so whatever is typed here is data, never SQL.
 */
export function ParameterBar({ names, values, onChange }: ParameterBarProps) {
  if (names.length === 0) return null;
  return (
    <Group gap="xs" px="sm" py={6} wrap="wrap" data-testid="parameter-bar" style={{ borderBottom: "1px solid var(--mantine-color-default-border)" }}>
      <Group gap={4} c="dimmed">
        <IconVariable size={16} stroke={1.7} />
        <Text size="xs" fw={600}>
          Parameters
        </Text>
      </Group>
      {names.map((name) => (
        <TextInput
          key={name}
          size="xs"
          w={180}
          aria-label={`Parameter ${name}`}
          leftSection={<Text size="xs" c="dimmed">{name}</Text>}
          leftSectionWidth={Math.min(110, 14 + name.length * 7)}
          value={values[name] ?? ""}
          onChange={(e) => onChange(name, e.currentTarget.value)}
          placeholder="value"
        />
      ))}
    </Group>
  );
}

/**
 * What the editor sends for a typed value: a plain decimal number as a number (so
 * `LIMIT :n` and numeric comparisons work on every engine), anything else as text.
 * Leading zeros stay text ("007" is a code, not seven).
 */
export function editorParameterValue(raw: string): string | number {
  return /^-?(0|[1-9]\d{0,14})(\.\d+)?$/.test(raw.trim()) ? Number(raw.trim()) : raw;
}
