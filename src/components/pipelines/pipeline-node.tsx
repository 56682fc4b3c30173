"use client";
import { Badge, Group, Stack, Text } from "@mantine/core";
import { Handle, Position, type NodeProps } from "@xyflow/react";
import type { ModuleNode } from "./types";

const STATUS_COLOR: Record<string, string> = { running: "blue", success: "teal", failed: "red", cancelled: "gray", pushed_down: "grape", pending: "gray" };

/** A node on the canvas: coloured and labelled by its module, with live counts while it runs. */
export function PipelineNodeView({ data, selected }: NodeProps<ModuleNode>) {
  const hasErrors = (data.errors?.length ?? 0) > 0;
  return (
    <div
      data-testid={`pipeline-node-${data.label}`}
      style={{
        minWidth: 180,
        borderRadius: 8,
        background: "var(--mantine-color-body)",
        border: `2px solid ${hasErrors ? "var(--mantine-color-red-6)" : selected ? "var(--mantine-color-blue-6)" : data.color}`,
        boxShadow: "0 1px 3px rgba(0,0,0,0.15)",
      }}
    >
      {data.nodeType !== "extractor" && <Handle type="target" position={Position.Left} data-testid="target-handle" />}
      <div style={{ background: data.color, color: "white", padding: "2px 8px", borderRadius: "5px 5px 0 0", fontSize: 11 }}>{data.displayName}</div>
      <Stack gap={2} p={8}>
        <Text size="sm" fw={600}>
          {data.label}
        </Text>
        {data.run && (
          <Group gap={6} data-testid="node-run">
            <Badge size="xs" color={STATUS_COLOR[data.run.status] ?? "gray"}>
              {data.run.status.replace("_", " ")}
            </Badge>
            <Text size="xs" c="dimmed" data-testid="node-counts">
              {data.nodeType === "extractor" ? `${data.run.rowsOut} out` : `${data.run.rowsIn} in · ${data.run.rowsOut} out`}
            </Text>
          </Group>
        )}
        {hasErrors && (
          <Text size="xs" c="red" data-testid="node-errors">
            {data.errors!.join("; ")}
          </Text>
        )}
      </Stack>
      {data.nodeType !== "loader" && <Handle type="source" position={Position.Right} data-testid="source-handle" />}
    </div>
  );
}
