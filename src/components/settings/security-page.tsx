"use client";
import { Alert, Badge, Button, Card, Code, Group, List, SimpleGrid, Stack, Text, TextInput, Title } from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "@/lib/trpc";
import { errorInfo, notifyError, notifySuccess } from "@/components/ui/feedback";

const yesNo = (v: boolean) => <Badge color={v ? "teal" : "gray"} variant="light">{v ? "on" : "off"}</Badge>;

/** /settings/security: what is really in force, and your two-factor sign-in. */
export function SecurityPage() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const report = useQuery(trpc.settings.security.queryOptions());
  const [enrolment, setEnrolment] = useState<{ secret: string; otpauthUri: string } | null>(null);
  const [code, setCode] = useState("");
  const [recovery, setRecovery] = useState<string[] | null>(null);
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: trpc.settings.pathKey() });
    setCode("");
  };
  const begin = useMutation(trpc.settings.mfaBegin.mutationOptions({ onSuccess: setEnrolment, onError: (e) => notifyError("Could not start", e) }));
  const confirm = useMutation(
    trpc.settings.mfaConfirm.mutationOptions({
      onSuccess: (r) => {
        setRecovery(r.recoveryCodes);
        setEnrolment(null);
        refresh();
      },
    }),
  );
  const disable = useMutation(
    trpc.settings.mfaDisable.mutationOptions({
      onSuccess: () => {
        notifySuccess("Two-factor sign-in is off");
        refresh();
      },
    }),
  );
  if (report.isError) return <Text p="lg" c="red">{errorInfo(report.error).message}</Text>;
  const r = report.data;
  if (!r) return null;

  return (
    <Stack p="lg" gap="md" maw={900}>
      <Title order={1} fz="h2">Security</Title>
      {r.mfa.enforced && !r.mfa.enabledForYou && (
        <Alert color="orange" title="Two-factor sign-in is required">
          Your organisation requires two-factor sign-in. Turn it on below: until you do, the rest of Quarry is closed to you.
        </Alert>
      )}
      <Card withBorder radius="md" data-testid="mfa-card">
        <Stack gap="sm">
          <Group justify="space-between">
            <Text fw={600}>Two-factor sign-in (TOTP)</Text>
            {yesNo(r.mfa.enabledForYou)}
          </Group>
          {recovery && (
            <Alert color="teal" title="Recovery codes (shown once)">
              <Text size="sm">Keep these somewhere safe; each signs you in once without your device.</Text>
              <Code block data-testid="recovery-codes">{recovery.join("\n")}</Code>
            </Alert>
          )}
          {!r.mfa.enabledForYou && !enrolment && (
            <Group>
              <Button onClick={() => begin.mutate()} loading={begin.isPending}>
                Turn on two-factor sign-in
              </Button>
            </Group>
          )}
          {enrolment && (
            <Stack gap="xs">
              <Text size="sm">Add this key to your authenticator app (or open the link on your phone), then enter the code it shows.</Text>
              <Code data-testid="mfa-secret">{enrolment.secret}</Code>
              <Text size="xs" c="dimmed" style={{ wordBreak: "break-all" }}>
                {enrolment.otpauthUri}
              </Text>
              <Group align="flex-end">
                <TextInput label="Code" value={code} onChange={(e) => setCode(e.currentTarget.value)} error={confirm.error ? errorInfo(confirm.error).message : null} w={200} />
                <Button onClick={() => confirm.mutate({ code })} loading={confirm.isPending} disabled={!code.trim()}>
                  Confirm
                </Button>
              </Group>
            </Stack>
          )}
          {r.mfa.enabledForYou && (
            <Group align="flex-end">
              <TextInput label="Current code or a recovery code" value={code} onChange={(e) => setCode(e.currentTarget.value)} error={disable.error ? errorInfo(disable.error).message : null} w={280} />
              <Button color="red" variant="light" onClick={() => disable.mutate({ code })} loading={disable.isPending} disabled={!code.trim()}>
                Turn off
              </Button>
            </Group>
          )}
        </Stack>
      </Card>
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Card withBorder radius="md">
          <Text fw={600} mb="xs">Encryption</Text>
          <List size="sm">
            <List.Item>At rest: {r.encryption.atRest} ({r.encryption.covers.join(", ")})</List.Item>
            <List.Item>Key from: {r.encryption.keySource === "environment" ? "QUARRY_ENCRYPTION_KEY" : "a key file in the data directory"}</List.Item>
            <List.Item>{r.encryption.transport}</List.Item>
          </List>
        </Card>
        <Card withBorder radius="md">
          <Text fw={600} mb="xs">Passwords and sign-in</Text>
          <List size="sm">
            <List.Item>{r.passwordPolicy.hashing}, at least {r.passwordPolicy.minLength} characters</List.Item>
            <List.Item>Locked for {r.passwordPolicy.lockout.lockoutSeconds} s after {r.passwordPolicy.lockout.maxFailures} failures</List.Item>
            <List.Item>Two-factor: {r.mfa.method}; required for everyone: {r.mfa.enforced ? "yes" : "no"}{r.mfa.usersEnrolled !== null ? `; ${r.mfa.usersEnrolled} users enrolled` : ""}</List.Item>
            <List.Item>Access tokens last {r.sessions.accessTokenTtlSeconds} s, refresh tokens {Math.round(r.sessions.refreshTokenTtlSeconds / 86400)} days</List.Item>
          </List>
        </Card>
        <Card withBorder radius="md">
          <Text fw={600} mb="xs">Rate limits</Text>
          <List size="sm">
            <List.Item>{r.rateLimits.requestsPerMinute} requests and {r.rateLimits.queriesPerMinute} queries a minute ({r.rateLimits.scope})</List.Item>
          </List>
        </Card>
        <Card withBorder radius="md">
          <Text fw={600} mb="xs">Data protection</Text>
          <Stack gap={4}>
            <Group justify="space-between"><Text size="sm">Reads run read-only</Text>{yesNo(r.dataProtection.readOnlyQueries)}</Group>
            <Group justify="space-between"><Text size="sm">Writes need approval</Text>{yesNo(r.dataProtection.writesNeedApproval)}</Group>
            <Group justify="space-between"><Text size="sm">Personal columns masked</Text>{yesNo(r.dataProtection.columnMasking)}</Group>
            <Group justify="space-between"><Text size="sm">Row-level security</Text>{yesNo(r.dataProtection.rowLevelSecurity)}</Group>
          </Stack>
        </Card>
      </SimpleGrid>
    </Stack>
  );
}
