import { Center, Stack, Text, Title } from "@mantine/core";
import { IconArrowLeft } from "@tabler/icons-react";
import type { Metadata } from "next";
import { LinkButton } from "@/components/link-button";
import { Logo } from "@/components/shell/logo";

export const metadata: Metadata = { title: "Page not found" };

export default function NotFound() {
  return (
    <Center mih="100dvh" p="md">
      <Stack align="center" gap="md" maw={460} ta="center">
        <Logo />
        <Text
          fw={800}
          fz={96}
          lh={1}
          variant="gradient"
          gradient={{ from: "quarry.7", to: "cyan.6", deg: 135 }}
          aria-hidden
        >
          404
        </Text>
        <Title order={1} fz={26}>
          Nothing was dug up here
        </Title>
        <Text c="dimmed">The page you asked for does not exist, or it has moved. Check the address, or head back to the editor.</Text>
        <LinkButton href="/editor" leftSection={<IconArrowLeft size={16} />} mt="sm">
          Back to the editor
        </LinkButton>
      </Stack>
    </Center>
  );
}
