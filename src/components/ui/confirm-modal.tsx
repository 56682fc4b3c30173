"use client";
import { Button, Group, Modal, Stack, Text, ThemeIcon } from "@mantine/core";
import { IconAlertTriangle } from "@tabler/icons-react";
import type { ReactNode } from "react";

interface ConfirmModalProps {
  opened: boolean;
  title: string;
  /** What will happen, in a sentence or two. */
  children: ReactNode;
  confirmLabel: string;
  color?: string;
  loading?: boolean;
  onConfirm: () => void;
  onClose: () => void;
}

/** Every action that writes data or removes something asks first, here. */
export function ConfirmModal({ opened, title, children, confirmLabel, color = "red", loading, onConfirm, onClose }: ConfirmModalProps) {
  return (
    <Modal opened={opened} onClose={onClose} title={title} centered radius="md" size="md">
      <Stack gap="md">
        <Group align="flex-start" wrap="nowrap" gap="md">
          <ThemeIcon variant="light" color={color} radius="xl" size={40} style={{ flexShrink: 0 }}>
            <IconAlertTriangle size={20} stroke={1.7} />
          </ThemeIcon>
          <Stack gap="xs" style={{ flex: 1, minWidth: 0 }}>
            {typeof children === "string" ? <Text size="sm">{children}</Text> : children}
          </Stack>
        </Group>
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onClose} disabled={loading}>
            Cancel
          </Button>
          <Button color={color} onClick={onConfirm} loading={loading} data-autofocus>
            {confirmLabel}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
