"use client";
import { Alert, Button, Group, Modal, Stack, type MantineSize } from "@mantine/core";
import { IconAlertCircle } from "@tabler/icons-react";
import type { FormEvent, ReactNode } from "react";

interface FormModalProps {
  opened?: boolean;
  title: ReactNode;
  size?: MantineSize;
  onClose: () => void;
  onSubmit: (event: FormEvent<HTMLFormElement>) => void;
  submitLabel: ReactNode;
  submitColor?: string;
  /** A mutation is in flight: the submit button spins and Cancel is disabled. */
  busy?: boolean;
  /** What the server said (use errorInfo(...).message); shown above the fields. */
  error?: ReactNode;
  /** Shown above the error: an explanation or a mode switch. */
  intro?: ReactNode;
  gap?: MantineSize;
  children: ReactNode;
}

/**
 * Every create/edit dialog (admin users, groups, data sources; saving a query): a modal
 * around a form with the server's error on top and Cancel/submit at the bottom.
 * Fields keep their own state; field errors come from errorInfo(...).fieldErrors.
 */
export function FormModal({
  opened = true,
  title,
  size,
  onClose,
  onSubmit,
  submitLabel,
  submitColor,
  busy,
  error,
  intro,
  gap = "sm",
  children,
}: FormModalProps) {
  return (
    <Modal opened={opened} onClose={onClose} title={title} size={size} centered radius="md">
      <form onSubmit={onSubmit} noValidate>
        <Stack gap={gap}>
          {intro}
          {error && (
            <Alert color="red" variant="light" icon={<IconAlertCircle size={18} />} role="alert">
              {error}
            </Alert>
          )}
          {children}
          <Group justify="flex-end" gap="sm" mt="xs">
            <Button variant="default" onClick={onClose} disabled={busy}>
              Cancel
            </Button>
            <Button type="submit" color={submitColor} loading={busy}>
              {submitLabel}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
