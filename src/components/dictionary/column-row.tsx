"use client";
import { ActionIcon, Badge, Group, MultiSelect, Table, Text, TextInput, Tooltip } from "@mantine/core";
import { IconCheck, IconX } from "@tabler/icons-react";
import { useState } from "react";

export const TAG_OPTIONS = ["PK", "FK", "PII", "measure", "dimension", "time", "id"];

export interface ColumnView {
  name: string;
  type: string | null;
  alias: string;
  description: string;
  tags: string[];
  sampleValues: string[];
  state: "present" | "dropped" | "renamed";
  renamedTo: string | null;
  foreignKey: { table: string; column: string } | null;
  proposals: { field: "alias" | "description" | "tags"; value: string | string[]; confidence: number; reason: string; status: string }[];
  updatedBy: string | null;
}

interface Props {
  column: ColumnView;
  canEdit: boolean;
  onSave: (patch: { alias?: string; description?: string; tags?: string[] }) => void;
  onDecide: (field: "alias" | "description" | "tags", decision: "accept" | "reject") => void;
}

/** One column: inline-editable alias, description and tags; masked samples; open proposals. */
export function ColumnRow({ column, canEdit, onSave, onDecide }: Props) {
  const [alias, setAlias] = useState(column.alias);
  const [description, setDescription] = useState(column.description);
  const open = column.proposals.filter((p) => p.status === "pending" || p.status === "applied");
  return (
    <Table.Tr data-testid={`column-${column.name}`}>
      <Table.Td>
        <Text size="sm" fw={600} ff="monospace">{column.name}</Text>
        <Text size="xs" c="dimmed">{column.type ?? "—"}{column.foreignKey ? ` → ${column.foreignKey.table}.${column.foreignKey.column}` : ""}</Text>
        {column.state !== "present" && (
          <Badge size="xs" color={column.state === "dropped" ? "red" : "orange"} mt={4}>
            {column.state === "renamed" ? `renamed to ${column.renamedTo}?` : "dropped"}
          </Badge>
        )}
      </Table.Td>
      <Table.Td>
        <TextInput size="xs" aria-label={`Alias of ${column.name}`} value={alias} disabled={!canEdit} onChange={(e) => setAlias(e.currentTarget.value)} onBlur={() => alias !== column.alias && onSave({ alias })} onKeyDown={(e) => e.key === "Enter" && alias !== column.alias && onSave({ alias })} />
      </Table.Td>
      <Table.Td>
        <TextInput size="xs" aria-label={`Description of ${column.name}`} value={description} disabled={!canEdit} onChange={(e) => setDescription(e.currentTarget.value)} onBlur={() => description !== column.description && onSave({ description })} />
      </Table.Td>
      <Table.Td miw={180}>
        <MultiSelect size="xs" aria-label={`Tags of ${column.name}`} data={TAG_OPTIONS} value={column.tags} disabled={!canEdit} onChange={(tags) => onSave({ tags })} />
      </Table.Td>
      <Table.Td>
        <Text size="xs" c="dimmed" lineClamp={2}>{column.sampleValues.slice(0, 5).join(", ") || "—"}</Text>
      </Table.Td>
      <Table.Td>
        {open.map((p) => (
          <Group key={p.field} gap={4} wrap="nowrap">
            <Tooltip label={`${p.reason} (confidence ${Math.round(p.confidence * 100)} %)`}>
              <Text size="xs">{p.field}: {Array.isArray(p.value) ? p.value.join(", ") : p.value}</Text>
            </Tooltip>
            {canEdit && (
              <>
                <ActionIcon size="xs" variant="subtle" color="green" aria-label={`Accept ${p.field} of ${column.name}`} onClick={() => onDecide(p.field, "accept")}><IconCheck size={12} /></ActionIcon>
                <ActionIcon size="xs" variant="subtle" color="red" aria-label={`Reject ${p.field} of ${column.name}`} onClick={() => onDecide(p.field, "reject")}><IconX size={12} /></ActionIcon>
              </>
            )}
          </Group>
        ))}
      </Table.Td>
    </Table.Tr>
  );
}
