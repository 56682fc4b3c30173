"use client";
import { Button, Paper, PasswordInput, Stack, Text, ThemeIcon, Title } from "@mantine/core";
import { IconLock } from "@tabler/icons-react";
import { useState, type FormEvent } from "react";

interface SharePasswordFormProps {
  error: string | null;
  loading: boolean;
  onSubmit: (password: string) => void;
}

export function SharePasswordForm({ error, loading, onSubmit }: SharePasswordFormProps) {
  const [value, setValue] = useState("");
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (value) onSubmit(value);
  };
  return (
    <Paper withBorder radius="lg" p="xl" maw={420} mx="auto" mt={60} shadow="sm">
      <form onSubmit={submit}>
        <Stack gap="md" align="stretch">
          <ThemeIcon size={48} radius="xl" variant="light" mx="auto">
            <IconLock size={24} />
          </ThemeIcon>
          <Stack gap={4} ta="center">
            <Title order={1} fz={22}>
              This result is protected
            </Title>
            <Text size="sm" c="dimmed">
              Enter the password you were given with the link.
            </Text>
          </Stack>
          <PasswordInput
            label="Password"
            value={value}
            onChange={(e) => setValue(e.currentTarget.value)}
            error={error}
            autoFocus
            autoComplete="off"
          />
          <Button type="submit" loading={loading} disabled={!value}>
            Open result
          </Button>
        </Stack>
      </form>
    </Paper>
  );
}
