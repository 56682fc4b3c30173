import { Center, Stack, Text, ThemeIcon, Title } from "@mantine/core";
import { IconLock } from "@tabler/icons-react";
import type { Role } from "@/lib/roles";

export function Forbidden({ role, needed }: { role: Role; needed: Role }) {
  return (
    <Center mih="60vh">
      <Stack align="center" gap="sm" maw={440} ta="center" data-testid="forbidden">
        <ThemeIcon size={56} radius="xl" variant="light" color="red">
          <IconLock size={28} stroke={1.6} />
        </ThemeIcon>
        <Text fw={700} c="red" size="sm">
          403 · Forbidden
        </Text>
        <Title order={2}>This area is for {needed}s</Title>
        <Text c="dimmed">
          You are signed in with the {role} role. Ask an administrator if you need access to user management,
          permissions or the audit log.
        </Text>
      </Stack>
    </Center>
  );
}
