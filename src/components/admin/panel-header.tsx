import { Badge, Group, Stack, Text, Title } from "@mantine/core";
import type { ReactNode } from "react";

/** The heading row of an admin tab: what it is, how many, and its main action. */
export function PanelHeader({ title, description, count, action }: { title: string; description: string; count?: number; action?: ReactNode }) {
  return (
    <Group justify="space-between" align="flex-end" wrap="wrap" gap="sm">
      <Stack gap={2}>
        <Group gap={8}>
          <Title order={2} fz={20}>
            {title}
          </Title>
          {count !== undefined && (
            <Badge variant="light" color="gray" radius="sm">
              {count}
            </Badge>
          )}
        </Group>
        <Text size="sm" c="dimmed">
          {description}
        </Text>
      </Stack>
      {action}
    </Group>
  );
}
