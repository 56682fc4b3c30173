import { Badge, Card, Group, SimpleGrid, Stack, Text, ThemeIcon, Title } from "@mantine/core";
import type { ReactNode } from "react";

export interface PlannedFeature {
  icon: ReactNode;
  title: string;
  text: string;
}

interface FeaturePageProps {
  title: string;
  icon: ReactNode;
  summary: string;
  planned: readonly PlannedFeature[];
  /** Anything that already works on this page, shown above the plan. */
  children?: ReactNode;
}

/** A section that is not built yet says plainly what it will do. */
export function FeaturePage({ title, icon, summary, planned, children }: FeaturePageProps) {
  return (
    <Stack gap="xl" maw={1120}>
      <Stack gap={6}>
        <Group gap="sm" wrap="nowrap">
          <ThemeIcon size={40} radius="md" variant="light">
            {icon}
          </ThemeIcon>
          <Title order={1} fz={28}>
            {title}
          </Title>
          <Badge variant="outline" color="gray" radius="sm" ml={4}>
            Coming next
          </Badge>
        </Group>
        <Text c="dimmed" maw={720}>
          {summary}
        </Text>
      </Stack>
      {children}
      <Stack gap="sm">
        <Text size="xs" fw={600} c="dimmed" tt="uppercase">
          What this page will do
        </Text>
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} spacing="md">
          {planned.map((feature) => (
            <Card key={feature.title} withBorder radius="md" padding="lg">
              <Group gap="sm" mb={8} wrap="nowrap">
                <ThemeIcon variant="light" color="gray" radius="md" size={32}>
                  {feature.icon}
                </ThemeIcon>
                <Text fw={600}>{feature.title}</Text>
              </Group>
              <Text size="sm" c="dimmed">
                {feature.text}
              </Text>
            </Card>
          ))}
        </SimpleGrid>
      </Stack>
    </Stack>
  );
}
