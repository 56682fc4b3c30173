"use client";
import { Alert, Avatar, Card, Group, Skeleton, Stack, Text } from "@mantine/core";
import { IconAlertCircle } from "@tabler/icons-react";
import { useQuery } from "@tanstack/react-query";
import { RoleBadge } from "@/components/shell/role-badge";
import { useTRPC } from "@/lib/trpc";

function formatDate(iso: string | null): string {
  if (!iso) return "never";
  return new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" }).format(new Date(iso));
}

/** Loaded in the browser through tRPC, so it also shows the typed API is reachable. */
export function CurrentUserCard() {
  const trpc = useTRPC();
  const me = useQuery(trpc.auth.me.queryOptions());

  return (
    <Card withBorder radius="md" padding="lg" maw={520}>
      <Text size="xs" fw={600} c="dimmed" tt="uppercase" mb="sm">
        Signed in as
      </Text>
      {me.isPending && (
        <Group gap="md" wrap="nowrap" aria-busy="true">
          <Skeleton circle height={44} />
          <Stack gap={8} style={{ flex: 1 }}>
            <Skeleton height={12} width="50%" />
            <Skeleton height={10} width="70%" />
          </Stack>
        </Group>
      )}
      {me.isError && (
        <Alert color="red" variant="light" icon={<IconAlertCircle size={18} />}>
          Could not load your account: {me.error.message}
        </Alert>
      )}
      {me.data && (
        <Group gap="md" wrap="nowrap" align="flex-start">
          <Avatar name={me.data.fullName || me.data.username} color="initials" radius="xl" size={44} />
          <Stack gap={2} style={{ minWidth: 0 }}>
            <Group gap="xs" wrap="nowrap">
              <Text fw={600} truncate>
                {me.data.fullName || me.data.username}
              </Text>
              <RoleBadge role={me.data.role} size="sm" />
            </Group>
            <Text size="sm" data-testid="current-user" truncate>
              {me.data.email}
            </Text>
            <Text size="xs" c="dimmed">
              @{me.data.username} · last sign-in {formatDate(me.data.lastLoginAt)} · member since{" "}
              {formatDate(me.data.createdAt)}
            </Text>
          </Stack>
        </Group>
      )}
    </Card>
  );
}
