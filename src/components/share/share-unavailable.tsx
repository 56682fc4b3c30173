import { Stack, Text, ThemeIcon, Title } from "@mantine/core";
import { IconLinkOff } from "@tabler/icons-react";

export function ShareUnavailable({ message }: { message?: string }) {
  return (
    <Stack align="center" gap="md" maw={480} mx="auto" mt={80} ta="center" data-testid="share-unavailable">
      <ThemeIcon size={64} radius="xl" variant="light" color="gray">
        <IconLinkOff size={32} stroke={1.6} />
      </ThemeIcon>
      <Title order={1} fz={26}>
        {message ? "This link cannot be opened" : "Link expired or not found"}
      </Title>
      <Text c="dimmed">
        {message ??
          "The shared result you are looking for has expired, was revoked, or never existed. Ask the person who sent it for a fresh link."}
      </Text>
    </Stack>
  );
}
