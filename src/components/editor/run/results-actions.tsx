"use client";
import { Button, Group, Menu, Tooltip } from "@mantine/core";
import { IconChevronDown, IconClipboard, IconDownload, IconFileTypeCsv, IconJson, IconShare } from "@tabler/icons-react";
import type { CopyScope } from "@/components/results/results-grid";
import { shortcut } from "../shortcuts";

interface ResultsActionsProps {
  queryId: string;
  canCopy: boolean;
  onCopy: (scope: CopyScope) => void;
  onShare: () => void;
}

/** Copy, Export and Share for the result on screen. */
export function ResultsActions({ queryId, canCopy, onCopy, onShare }: ResultsActionsProps) {
  const exportUrl = (format: "csv" | "json") => `/api/export/${encodeURIComponent(queryId)}?format=${format}`;
  return (
    <Group gap={6} wrap="nowrap">
      <Menu position="bottom-end" shadow="md" width={250} disabled={!canCopy}>
        <Menu.Target>
          <Button size="compact-sm" variant="subtle" color="gray" leftSection={<IconClipboard size={15} />} rightSection={<IconChevronDown size={12} />} disabled={!canCopy}>
            Copy
          </Button>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Label>As tab-separated text</Menu.Label>
          <Menu.Item onClick={() => onCopy("cell")}>Copy cell</Menu.Item>
          <Menu.Item onClick={() => onCopy("selection")} rightSection={<span>{shortcut("Mod+C")}</span>}>
            Copy selection
          </Menu.Item>
          <Menu.Item onClick={() => onCopy("selection-with-headers")} rightSection={<span>{shortcut("Mod+Shift+C")}</span>}>
            Copy selection with headers
          </Menu.Item>
          <Menu.Divider />
          <Menu.Item onClick={() => onCopy("all")}>Copy all rows</Menu.Item>
        </Menu.Dropdown>
      </Menu>
      <Menu position="bottom-end" shadow="md" width={200}>
        <Menu.Target>
          <Button size="compact-sm" variant="subtle" color="gray" leftSection={<IconDownload size={15} />} rightSection={<IconChevronDown size={12} />}>
            Export
          </Button>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Label>Every row of the result</Menu.Label>
          <Menu.Item component="a" href={exportUrl("csv")} download leftSection={<IconFileTypeCsv size={16} />}>
            CSV
          </Menu.Item>
          <Menu.Item component="a" href={exportUrl("json")} download leftSection={<IconJson size={16} />}>
            JSON
          </Menu.Item>
        </Menu.Dropdown>
      </Menu>
      <Tooltip label="A read-only link to this result" withArrow>
        <Button size="compact-sm" variant="light" leftSection={<IconShare size={15} />} onClick={onShare}>
          Share
        </Button>
      </Tooltip>
    </Group>
  );
}
