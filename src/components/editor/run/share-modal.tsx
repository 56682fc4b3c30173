"use client";
import { ActionIcon, Alert, Button, CopyButton, Group, Modal, NumberInput, PasswordInput, Stack, Text, TextInput, Tooltip } from "@mantine/core";
import { IconAlertCircle, IconCheck, IconCopy, IconLink } from "@tabler/icons-react";
import { useMutation } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useTRPC } from "@/lib/trpc";
import { errorInfo } from "@/components/ui/feedback";

interface ShareModalProps {
  queryId: string;
  rowCount: number;
  opened: boolean;
  onClose: () => void;
}

function expiryText(expiresAt: string | null): string {
  if (!expiresAt) return "never expires";
  return `expires ${new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" }).format(new Date(expiresAt))}`;
}

/** A read-only link to a snapshot of this result, with an expiry and an optional password. */
export function ShareModal({ queryId, rowCount, opened, onClose }: ShareModalProps) {
  const trpc = useTRPC();
  const create = useMutation(trpc.shares.create.mutationOptions());
  const [days, setDays] = useState<number | string>(7);
  const [password, setPassword] = useState("");

  const close = () => {
    create.reset();
    setPassword("");
    onClose();
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate({ queryId, expirationDays: typeof days === "number" ? days : 7, password: password || null });
  };

  const link = create.data ? `${window.location.origin}${create.data.path}` : null;
  const problem = create.error ? errorInfo(create.error) : null;

  return (
    <Modal opened={opened} onClose={close} title="Share this result" centered radius="md">
      {link && create.data ? (
        <Stack gap="sm">
          <Text size="sm" c="dimmed">
            Anyone with the link sees these {create.data.rowCount.toLocaleString()} rows as they are now, without signing in. The
            link {expiryText(create.data.expiresAt)}
            {create.data.hasPassword ? " and needs the password" : ""}.
          </Text>
          <TextInput
            label="Link"
            value={link}
            readOnly
            onFocus={(e) => e.currentTarget.select()}
            data-testid="share-link"
            leftSection={<IconLink size={16} />}
            rightSection={
              <CopyButton value={link} timeout={1500}>
                {({ copied, copy }) => (
                  <Tooltip label={copied ? "Copied" : "Copy link"} withArrow>
                    <ActionIcon variant="subtle" color={copied ? "teal" : "gray"} onClick={copy} aria-label="Copy link">
                      {copied ? <IconCheck size={16} /> : <IconCopy size={16} />}
                    </ActionIcon>
                  </Tooltip>
                )}
              </CopyButton>
            }
          />
          <Group justify="flex-end">
            <Button variant="default" component="a" href={link} target="_blank" rel="noreferrer">
              Open
            </Button>
            <Button onClick={close}>Done</Button>
          </Group>
        </Stack>
      ) : (
        <form onSubmit={submit}>
          <Stack gap="sm">
            <Text size="sm" c="dimmed">
              Shares a snapshot of the {rowCount.toLocaleString()} rows on screen; recipients never query your database.
            </Text>
            {problem && (
              <Alert color="red" variant="light" icon={<IconAlertCircle size={18} />} role="alert">
                {problem.message}
              </Alert>
            )}
            <NumberInput
              label="Expires after (days)"
              description="0 keeps the link until you revoke it"
              min={0}
              max={365}
              value={days}
              onChange={setDays}
              allowDecimal={false}
              data-autofocus
            />
            <PasswordInput
              label="Password (optional)"
              description="At least 4 characters; recipients must enter it"
              value={password}
              onChange={(e) => setPassword(e.currentTarget.value)}
              autoComplete="new-password"
              error={password.length > 0 && password.length < 4 ? "At least 4 characters" : undefined}
            />
            <Group justify="flex-end" mt="xs">
              <Button variant="default" onClick={close}>
                Cancel
              </Button>
              <Button type="submit" loading={create.isPending} disabled={password.length > 0 && password.length < 4}>
                Create link
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}
