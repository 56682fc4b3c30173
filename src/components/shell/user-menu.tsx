"use client";
import { Avatar, Box, Group, Menu, Text, UnstyledButton, VisuallyHidden } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { IconAdjustments, IconChevronDown, IconKey, IconLogout, IconShieldLock, IconUser } from "@tabler/icons-react";
import Link from "next/link";
import { signOut } from "next-auth/react";
import { ChangePasswordModal } from "./change-password-modal";
import { RoleBadge } from "@/components/ui/badges";
import type { ShellUser } from "./shell-user";

export function UserMenu({ user }: { user: ShellUser }) {
  const [passwordOpened, passwordModal] = useDisclosure(false);
  return (
    <>
      {/* Every item navigates or opens a dialog: focus handed back to the button on close
          would land behind the Change password dialog, taking it from its first field. */}
      <Menu width={260} position="bottom-end" shadow="md" withinPortal returnFocus={false}>
        <Menu.Target>
          {/* Named by its visible text (name and role) plus a hidden "account menu", so speech and sight agree. */}
          <UnstyledButton data-testid="user-menu" px={6} py={4} style={{ borderRadius: 8 }}>
            <Group gap={8} wrap="nowrap">
              <Avatar radius="xl" size={32} color="gray" aria-hidden>
                <IconUser size={18} stroke={1.7} />
              </Avatar>
              <Box visibleFrom="sm" maw={180}>
                <Text size="sm" fw={600} lh={1.2} truncate>
                  {user.name}
                </Text>
                <Text size="xs" c="dimmed" lh={1.2} truncate>
                  {user.role}
                </Text>
              </Box>
              <VisuallyHidden>{`${user.name}, account menu`}</VisuallyHidden>
              <IconChevronDown size={14} stroke={1.7} aria-hidden />
            </Group>
          </UnstyledButton>
        </Menu.Target>
        <Menu.Dropdown>
          <Box px="sm" py="xs">
            <Group justify="space-between" wrap="nowrap" gap="xs">
              <Text size="sm" fw={600} truncate>
                {user.name}
              </Text>
              <RoleBadge role={user.role} size="sm" />
            </Group>
            <Text size="xs" c="dimmed" truncate>
              {user.email}
            </Text>
          </Box>
          <Menu.Divider />
          <Menu.Item component={Link} href="/settings" leftSection={<IconAdjustments size={16} stroke={1.7} />}>
            Settings
          </Menu.Item>
          <Menu.Item component={Link} href="/settings/security" leftSection={<IconShieldLock size={16} stroke={1.7} />}>
            Security
          </Menu.Item>
          <Menu.Item leftSection={<IconKey size={16} stroke={1.7} />} onClick={passwordModal.open}>
            Change password
          </Menu.Item>
          <Menu.Item
            color="red"
            leftSection={<IconLogout size={16} stroke={1.7} />}
            onClick={() => void signOut({ callbackUrl: "/login" })}
          >
            Sign out
          </Menu.Item>
        </Menu.Dropdown>
      </Menu>
      <ChangePasswordModal email={user.email} opened={passwordOpened} onClose={passwordModal.close} />
    </>
  );
}
