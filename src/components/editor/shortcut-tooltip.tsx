"use client";
import { Group, Kbd, Tooltip, type TooltipProps } from "@mantine/core";
import { keyLabels } from "./shortcuts";

/** A tooltip that names the action and shows its keyboard shortcut. */
export function ShortcutTooltip({ label, keys, children, ...rest }: { label: string; keys?: string } & Omit<TooltipProps, "label">) {
  return (
    <Tooltip
      withArrow
      openDelay={300}
      label={
        <Group gap={8} wrap="nowrap">
          <span>{label}</span>
          {keys && (
            <Group gap={3} wrap="nowrap">
              {keyLabels(keys).map((k) => (
                <Kbd key={k} size="xs">
                  {k}
                </Kbd>
              ))}
            </Group>
          )}
        </Group>
      }
      {...rest}
    >
      {children}
    </Tooltip>
  );
}
