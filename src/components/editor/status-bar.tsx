"use client";
import { Group, Text, Tooltip } from "@mantine/core";
import { IconPlugConnected, IconUser } from "@tabler/icons-react";
import { engineLabel } from "./data-source-select";
import type { DataSource } from "./types";
import classes from "./workbench.module.css";

/** Where queries go and who runs them, IDE-style along the bottom. */
export function StatusBar({ source, userEmail }: { source: DataSource | null; userEmail: string }) {
  const healthy = source?.status !== "error";
  return (
    <Group className={classes.statusBar} justify="space-between" wrap="nowrap" gap="md">
      <Group gap={6} wrap="nowrap" style={{ minWidth: 0 }}>
        {source ? (
          <Tooltip label={source.lastError ?? `Last checked ${source.lastCheckedAt ?? "never"}`} withArrow disabled={!source.lastError && !source.lastCheckedAt}>
            <Group gap={6} wrap="nowrap" style={{ minWidth: 0 }}>
              <span className={classes.connDot} data-error={healthy ? undefined : ""} aria-hidden />
              <IconPlugConnected size={13} aria-hidden />
              <Text size="xs" truncate>
                {source.name} · {engineLabel(source.engine)}
                {source.serverVersion ? ` ${source.serverVersion}` : ""}
                {source.access.canWrite ? " · writes need approval" : " · read-only"}
              </Text>
            </Group>
          </Tooltip>
        ) : (
          <Text size="xs">No data source</Text>
        )}
      </Group>
      <Group gap={6} wrap="nowrap">
        <IconUser size={13} aria-hidden />
        <Text size="xs" data-testid="current-user" truncate>
          {userEmail}
        </Text>
      </Group>
    </Group>
  );
}
