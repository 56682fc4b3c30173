"use client";
import { Button, Divider, Group } from "@mantine/core";
import {
  IconDeviceFloppy,
  IconPlayerPlayFilled,
  IconPlayerStopFilled,
  IconSelect,
  IconTextWrap,
} from "@tabler/icons-react";
import type { ReactNode } from "react";
import { ShortcutTooltip } from "./shortcut-tooltip";

interface EditorToolbarProps {
  dataSourcePicker: ReactNode;
  running: boolean;
  canRun: boolean;
  hasSelection: boolean;
  formatting: boolean;
  onRun: () => void;
  onRunSelection: () => void;
  onCancel: () => void;
  onFormat: () => void;
  onSave: () => void;
}

export function EditorToolbar(props: EditorToolbarProps) {
  const { dataSourcePicker, running, canRun, hasSelection, formatting } = props;
  return (
    <Group gap="xs" wrap="nowrap" px="sm" py={8} justify="space-between" role="toolbar" aria-label="Editor actions" data-skip-target>
      <Group gap="xs" wrap="nowrap">
        {dataSourcePicker}
        <Divider orientation="vertical" />
        <ShortcutTooltip label="Run the statement under the cursor, or the selection" keys="Mod+Enter">
          <Button
            size="sm"
            leftSection={<IconPlayerPlayFilled size={14} />}
            onClick={props.onRun}
            disabled={!canRun}
            loading={running}
            loaderProps={{ type: "dots" }}
            data-testid="run-button"
          >
            Run
          </Button>
        </ShortcutTooltip>
        <ShortcutTooltip label={hasSelection ? "Run only the selected text" : "Select some SQL first"}>
          <Button size="sm" variant="default" leftSection={<IconSelect size={15} />} onClick={props.onRunSelection} disabled={!canRun || !hasSelection || running}>
            Run selection
          </Button>
        </ShortcutTooltip>
        {running && (
          <Button size="sm" color="red" variant="light" leftSection={<IconPlayerStopFilled size={13} />} onClick={props.onCancel}>
            Cancel
          </Button>
        )}
      </Group>
      <Group gap={6} wrap="nowrap">
        <ShortcutTooltip label="Format SQL" keys="Mod+Shift+F">
          <Button size="sm" variant="subtle" color="gray" leftSection={<IconTextWrap size={16} />} onClick={props.onFormat} loading={formatting} disabled={!canRun}>
            Format
          </Button>
        </ShortcutTooltip>
        <ShortcutTooltip label="Save query" keys="Mod+S">
          <Button size="sm" variant="default" leftSection={<IconDeviceFloppy size={16} />} onClick={props.onSave}>
            Save
          </Button>
        </ShortcutTooltip>
      </Group>
    </Group>
  );
}
