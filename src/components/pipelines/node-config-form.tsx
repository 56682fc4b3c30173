"use client";
import { JsonInput, NumberInput, Select, Stack, Switch, TextInput } from "@mantine/core";
import { useEffect, useState } from "react";
import { SqlCodeField } from "./sql-code-field";

interface Property {
  type?: string | string[];
  title?: string;
  description?: string;
  format?: string;
  enum?: unknown[];
  default?: unknown;
}

interface Props {
  schema: Record<string, unknown>;
  value: Record<string, unknown>;
  onChange: (value: Record<string, unknown>) => void;
  dataSources: { id: string; name: string; engine: string }[];
  /** Engines the module's connection may be (empty: any). */
  engines: string[];
}

const labelOf = (key: string, p: Property) => p.title ?? key.replace(/_/g, " ").replace(/^\w/, (c) => c.toUpperCase());

/**
 * The side panel's form, generated from the module's JSON Schema (what
 * `/modules/{type}/{name}/schema` serves): text, numbers, switches, choices, a data
 * source picker for `format: connection`, a monospace editor for `format: code`, and
 * JSON for lists and objects.
 */
export function NodeConfigForm({ schema, value, onChange, dataSources, engines }: Props) {
  const properties = (schema.properties ?? {}) as Record<string, Property>;
  const required = new Set((schema.required ?? []) as string[]);
  const set = (key: string, v: unknown) => {
    const next = { ...value };
    if (v === undefined || v === "") delete next[key];
    else next[key] = v;
    onChange(next);
  };
  return (
    <Stack gap="xs">
      {Object.entries(properties).map(([key, p]) => {
        const label = labelOf(key, p);
        const common = { label, description: p.description, required: required.has(key) };
        const current = value[key] ?? p.default;
        if (p.format === "connection") {
          const options = dataSources.filter((d) => engines.length === 0 || engines.includes(d.engine)).map((d) => ({ value: d.id, label: d.name }));
          return <Select key={key} {...common} data={options} value={(value[key] as string) ?? null} onChange={(v) => set(key, v ?? undefined)} searchable />;
        }
        if (p.enum) {
          return <Select key={key} {...common} data={p.enum.map(String)} value={current === undefined ? null : String(current)} onChange={(v) => set(key, v ?? undefined)} />;
        }
        if (p.format === "code") {
          return <SqlCodeField key={key} {...common} value={(value[key] as string) ?? ""} placeholder={p.default as string | undefined} onChange={(v) => set(key, v)} />;
        }
        if (p.type === "boolean") return <Switch key={key} label={label} description={p.description} checked={Boolean(current)} onChange={(e) => set(key, e.currentTarget.checked)} />;
        if (p.type === "integer" || p.type === "number") {
          return <NumberInput key={key} {...common} value={(value[key] as number) ?? ""} placeholder={p.default === undefined ? undefined : String(p.default)} onChange={(v) => set(key, typeof v === "number" ? v : undefined)} />;
        }
        if (p.type === "string") return <TextInput key={key} {...common} value={(value[key] as string) ?? ""} placeholder={p.default as string | undefined} onChange={(e) => set(key, e.currentTarget.value)} />;
        return <JsonField key={key} label={label} description={p.description} value={value[key]} fallback={p.default} onChange={(v) => set(key, v)} />;
      })}
    </Stack>
  );
}

/** Lists and objects as JSON; applied once the text parses. */
function JsonField({ label, description, value, fallback, onChange }: { label: string; description?: string; value: unknown; fallback: unknown; onChange: (v: unknown) => void }) {
  const [text, setText] = useState(() => JSON.stringify(value ?? fallback ?? null, null, 2));
  useEffect(() => {
    // Only a change from outside resets the text; what the user types stays as typed.
    setText((t) => {
      try {
        if (JSON.stringify(JSON.parse(t)) === JSON.stringify(value ?? fallback ?? null)) return t;
      } catch {
        /* replaced below */
      }
      return JSON.stringify(value ?? fallback ?? null, null, 2);
    });
  }, [value, fallback]);
  return (
    <JsonInput
      label={label}
      description={description}
      autosize
      minRows={2}
      validationError="Not valid JSON"
      value={text}
      onChange={(t) => {
        setText(t);
        try {
          onChange(JSON.parse(t));
        } catch {
          /* applied once it parses */
        }
      }}
    />
  );
}
