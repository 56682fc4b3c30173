import { Paper, Progress, Stack, Text } from "@mantine/core";
import type { ReactNode } from "react";

/** One number with its label, and optionally how much of a limit it uses. */
export function StatCard({ label, value, hint, used, testId }: { label: string; value: ReactNode; hint?: ReactNode; used?: number | null; testId?: string }) {
  return (
    <Paper withBorder p="sm" radius="md" data-testid={testId}>
      <Stack gap={4}>
        <Text size="xs" c="dimmed" tt="uppercase" fw={600}>{label}</Text>
        <Text fz={24} fw={700} data-testid={testId ? `${testId}-value` : undefined}>{value}</Text>
        {used !== undefined && used !== null && <Progress value={Math.min(100, used * 100)} color={used >= 1 ? "red" : used > 0.8 ? "orange" : "teal"} size="sm" />}
        {hint && <Text size="xs" c="dimmed">{hint}</Text>}
      </Stack>
    </Paper>
  );
}
