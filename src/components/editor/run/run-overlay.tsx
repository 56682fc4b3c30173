"use client";
import { Button, Group, Paper, Progress, Stack, Text } from "@mantine/core";
import { IconPlayerStopFilled } from "@tabler/icons-react";
import { Elapsed } from "./elapsed";
import type { RunningState } from "./use-query-runner";
import classes from "../workbench.module.css";

const STAGE_LABEL: Record<RunningState["stage"], string> = {
  submitting: "Sending the query…",
  executing: "Running on the database…",
  loading: "Loading the rows…",
};

/** Progress, elapsed time and Cancel; fades in only when a run takes a moment. */
export function RunOverlay({ running, onCancel }: { running: RunningState; onCancel: () => void }) {
  return (
    <div className={classes.runOverlay} role="status" aria-live="polite" data-testid="run-status">
      <Paper withBorder shadow="md" radius="md" p="md" w={340} className={classes.runCard}>
        <Stack gap={10}>
          <Group justify="space-between" wrap="nowrap">
            <Text size="sm" fw={600}>
              {STAGE_LABEL[running.stage]}
            </Text>
            <Text size="sm" c="dimmed" ff="monospace">
              <Elapsed since={running.startedAt} />
            </Text>
          </Group>
          {/* Databases rarely report progress: until they do, the bar only says "working". */}
          <Progress
            value={running.progress > 10 && running.progress < 100 ? running.progress : 100}
            animated
            striped
            size="sm"
            aria-label="Query progress"
          />
          <Group justify="flex-end">
            <Button
              size="xs"
              variant="light"
              color="red"
              leftSection={<IconPlayerStopFilled size={12} />}
              onClick={onCancel}
              disabled={running.stage === "loading"}
            >
              Cancel query
            </Button>
          </Group>
        </Stack>
      </Paper>
    </div>
  );
}
