import { Group, Text, ThemeIcon } from "@mantine/core";
import { IconPick } from "@tabler/icons-react";

export function Logo({ size = "md" }: { size?: "md" | "lg" }) {
  const large = size === "lg";
  return (
    <Group gap={10} wrap="nowrap">
      <ThemeIcon
        size={large ? 44 : 34}
        radius="md"
        variant="gradient"
        gradient={{ from: "quarry.7", to: "cyan.7", deg: 135 }}
        aria-hidden
      >
        <IconPick size={large ? 26 : 20} stroke={1.8} />
      </ThemeIcon>
      <Text fw={750} fz={large ? 26 : 19} lts={-0.3}>
        Quarry
      </Text>
    </Group>
  );
}
