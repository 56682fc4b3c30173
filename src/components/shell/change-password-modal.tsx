"use client";
import { Alert, Button, Group, Modal, PasswordInput, Stack, Text } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconAlertCircle, IconCheck } from "@tabler/icons-react";
import { useMutation } from "@tanstack/react-query";
import { signIn, signOut } from "next-auth/react";
import { useState, type FormEvent } from "react";
import { useTRPC } from "@/lib/trpc";

// Mirrors the server's policy so the common mistake is caught before a round trip;
// the server still decides.
const MIN_PASSWORD_LENGTH = 8;

interface Props {
  email: string;
  opened: boolean;
  onClose: () => void;
}

function validate(current: string, next: string, confirm: string): string | null {
  if (!current) return "Enter your current password";
  if (next.length < MIN_PASSWORD_LENGTH) return `The new password needs at least ${MIN_PASSWORD_LENGTH} characters`;
  if (next === current) return "The new password must differ from the current one";
  if (next !== confirm) return "The two new passwords do not match";
  return null;
}

export function ChangePasswordModal({ email, opened, onClose }: Props) {
  const trpc = useTRPC();
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [confirm, setConfirm] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [renewing, setRenewing] = useState(false);
  const change = useMutation(trpc.auth.changePassword.mutationOptions());

  function close() {
    setCurrent("");
    setNext("");
    setConfirm("");
    setError(null);
    change.reset();
    onClose();
  }

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const problem = validate(current, next, confirm);
    setError(problem);
    if (problem) return;
    try {
      await change.mutateAsync({ currentPassword: current, newPassword: next });
    } catch (e) {
      setError(e instanceof Error ? e.message : "The password could not be changed");
      return;
    }
    // Changing the password signs out every session, this browser's included; signing
    // in again with the new password keeps the person where they are.
    setRenewing(true);
    const renewed = await signIn("credentials", { identifier: email, password: next, redirect: false });
    setRenewing(false);
    if (!renewed?.ok) {
      notifications.show({ color: "yellow", title: "Password changed", message: "Sign in again with your new password." });
      await signOut({ callbackUrl: "/login" });
      return;
    }
    notifications.show({
      color: "teal",
      icon: <IconCheck size={18} />,
      title: "Password changed",
      message: "Your other sessions were signed out.",
    });
    close();
  }

  const busy = change.isPending || renewing;
  return (
    <Modal opened={opened} onClose={close} title="Change password" centered radius="md">
      <form onSubmit={onSubmit} noValidate>
        <Stack gap="sm">
          <Text size="sm" c="dimmed">
            Other browsers and API tokens signed in as you are signed out afterwards.
          </Text>
          {error && (
            <Alert color="red" variant="light" icon={<IconAlertCircle size={18} />} role="alert">
              {error}
            </Alert>
          )}
          <PasswordInput
            label="Current password"
            autoComplete="current-password"
            value={current}
            onChange={(e) => setCurrent(e.currentTarget.value)}
            data-autofocus
          />
          <PasswordInput
            label="New password"
            description={`At least ${MIN_PASSWORD_LENGTH} characters`}
            autoComplete="new-password"
            value={next}
            onChange={(e) => setNext(e.currentTarget.value)}
          />
          <PasswordInput
            label="Confirm new password"
            autoComplete="new-password"
            value={confirm}
            onChange={(e) => setConfirm(e.currentTarget.value)}
          />
          <Group justify="flex-end" mt="xs">
            <Button variant="default" onClick={close} disabled={busy}>
              Cancel
            </Button>
            <Button type="submit" loading={busy}>
              Change password
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
