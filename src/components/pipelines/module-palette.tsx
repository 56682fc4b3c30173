"use client";
import { Paper, ScrollArea, Stack, Text, UnstyledButton } from "@mantine/core";
import type { ModuleInfo } from "./types";

const GROUPS: { type: ModuleInfo["type"]; title: string }[] = [
  { type: "extractor", title: "Extractors" },
  { type: "transformer", title: "Transformers" },
  { type: "loader", title: "Loaders" },
];

export const DRAG_TYPE = "application/x-quarry-module";

/** The modules to drag onto the canvas (or click to add one). */
export function ModulePalette({ modules, onAdd }: { modules: ModuleInfo[]; onAdd: (module: ModuleInfo) => void }) {
  return (
    <ScrollArea h="100%" w={220} type="auto" data-testid="module-palette">
      <Stack gap="sm" p="xs">
        {GROUPS.map((group) => (
          <Stack key={group.type} gap={4}>
            <Text size="xs" fw={700} c="dimmed" tt="uppercase">
              {group.title}
            </Text>
            {modules
              .filter((m) => m.type === group.type)
              .map((m) => (
                <UnstyledButton
                  key={`${m.type}-${m.name}`}
                  draggable
                  onDragStart={(e) => {
                    e.dataTransfer.setData(DRAG_TYPE, JSON.stringify({ type: m.type, name: m.name }));
                    e.dataTransfer.effectAllowed = "move";
                  }}
                  onClick={() => onAdd(m)}
                  aria-label={`Add ${m.display_name}`}
                  title={m.description}
                >
                  <Paper withBorder p={6} style={{ borderLeft: `4px solid ${m.color}` }}>
                    <Text size="sm">{m.display_name}</Text>
                  </Paper>
                </UnstyledButton>
              ))}
          </Stack>
        ))}
      </Stack>
    </ScrollArea>
  );
}
