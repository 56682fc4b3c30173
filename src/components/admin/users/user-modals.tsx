"use client";
import { Button, PasswordInput, Select, SimpleGrid, Stack, Text, TextInput, Tooltip } from "@mantine/core";
import { IconDice5 } from "@tabler/icons-react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { notifySuccess, errorInfo } from "@/components/ui/feedback";
import { FormModal } from "@/components/ui/form-modal";
import { ROLES, type Role } from "@/lib/roles";
import { useTRPC } from "@/lib/trpc";
import type { ManagedUser } from "../types";

const MIN_PASSWORD = 8;

export const ROLE_OPTIONS = ROLES.map((r) => ({ value: r, label: r[0]!.toUpperCase() + r.slice(1) }));

/** 16 characters from an alphabet without look-alikes, from the browser's CSPRNG. */
function generatePassword(): string {
  const alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join("");
}

function GenerateButton({ onGenerate }: { onGenerate: (password: string) => void }) {
  return (
    <Tooltip label="Fill in a strong random password and show it" withArrow>
      <Button
        variant="subtle"
        size="compact-xs"
        leftSection={<IconDice5 size={14} />}
        onClick={() => onGenerate(generatePassword())}
        style={{ alignSelf: "flex-start" }}
      >
        Generate
      </Button>
    </Tooltip>
  );
}

export function CreateUserModal({ onClose }: { onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [email, setEmail] = useState("");
  const [username, setUsername] = useState("");
  const [fullName, setFullName] = useState("");
  const [password, setPassword] = useState("");
  const [visible, setVisible] = useState(false);
  const [role, setRole] = useState<Role>("analyst");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);

  const create = useMutation(
    trpc.users.create.mutationOptions({
      onSuccess(user) {
        void queryClient.invalidateQueries(trpc.users.pathFilter());
        void queryClient.invalidateQueries(trpc.admin.stats.pathFilter());
        notifySuccess("User created", `${user.email} can sign in now.`);
        onClose();
      },
      onError(error) {
        const problem = errorInfo(error);
        setErrors(problem.fieldErrors);
        setFormError(problem.message);
      },
    }),
  );

  function submit(event: FormEvent) {
    event.preventDefault();
    const local: Record<string, string> = {};
    if (!/^\S+@\S+\.\S+$/.test(email.trim())) local.email = "A valid email is required";
    if (password.length < MIN_PASSWORD) local.password = `At least ${MIN_PASSWORD} characters`;
    setErrors(local);
    setFormError(null);
    if (Object.keys(local).length) return;
    create.mutate({
      email: email.trim(),
      username: username.trim() || undefined,
      fullName: fullName.trim() || undefined,
      password,
      role,
    });
  }

  return (
    <FormModal title="New user" size="lg" onClose={onClose} onSubmit={submit} busy={create.isPending} error={formError} submitLabel="Create user">
      <TextInput label="Email" required type="email" value={email} onChange={(e) => setEmail(e.currentTarget.value)} error={errors.email} data-autofocus />
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
        <TextInput label="Full name" value={fullName} onChange={(e) => setFullName(e.currentTarget.value)} error={errors.fullName} />
        <TextInput
          label="Username"
          description="Optional; derived from the email when empty"
          value={username}
          onChange={(e) => setUsername(e.currentTarget.value)}
          error={errors.username}
        />
      </SimpleGrid>
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
        <PasswordInput
          label="Password"
          required
          description={`At least ${MIN_PASSWORD} characters; share it privately`}
          value={password}
          visible={visible}
          onVisibilityChange={setVisible}
          onChange={(e) => setPassword(e.currentTarget.value)}
          error={errors.password}
          autoComplete="new-password"
          inputContainer={(input) => (
            <Stack gap={4}>
              {input}
              <GenerateButton
                onGenerate={(p) => {
                  setPassword(p);
                  setVisible(true);
                }}
              />
            </Stack>
          )}
        />
        <Select
          label="Role"
          data={ROLE_OPTIONS}
          value={role}
          onChange={(v) => v && setRole(v as Role)}
          allowDeselect={false}
          error={errors.role}
          description="Analysts query and request changes; admins run Quarry"
        />
      </SimpleGrid>
    </FormModal>
  );
}

export function ResetPasswordModal({ user, onClose }: { user: ManagedUser; onClose: () => void }) {
  const trpc = useTRPC();
  const [password, setPassword] = useState("");
  const [visible, setVisible] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const reset = useMutation(
    trpc.users.resetPassword.mutationOptions({
      onSuccess(result) {
        notifySuccess("Password reset", `${result.message}. ${user.email} was signed out everywhere.`);
        onClose();
      },
      onError: (e) => setError(errorInfo(e).message),
    }),
  );

  function submit(event: FormEvent) {
    event.preventDefault();
    if (password.length < MIN_PASSWORD) {
      setError(`The password needs at least ${MIN_PASSWORD} characters`);
      return;
    }
    setError(null);
    reset.mutate({ id: user.id, newPassword: password });
  }

  return (
    <FormModal
      title={`Reset password for ${user.fullName || user.username}`}
      onClose={onClose}
      onSubmit={submit}
      busy={reset.isPending}
      error={error}
      submitLabel="Reset password"
      submitColor="orange"
      intro={
        <Text size="sm" c="dimmed">
          {user.email} is signed out of every browser and API client and signs in again with the new password.
        </Text>
      }
    >
      <PasswordInput
        label="New password"
        value={password}
        visible={visible}
        onVisibilityChange={setVisible}
        onChange={(e) => setPassword(e.currentTarget.value)}
        autoComplete="new-password"
        data-autofocus
        inputContainer={(input) => (
          <Stack gap={4}>
            {input}
            <GenerateButton
              onGenerate={(p) => {
                setPassword(p);
                setVisible(true);
              }}
            />
          </Stack>
        )}
      />
    </FormModal>
  );
}
