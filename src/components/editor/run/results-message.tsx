"use client";
import { Alert, Anchor, Badge, Button, Code, EmptyState, Group, Kbd, ScrollArea, Stack, Text } from "@mantine/core";
import { IconAlertTriangle, IconCircleX, IconClockPause, IconPlayerPlay, IconShieldCheck } from "@tabler/icons-react";
import Link from "next/link";
import { keyLabels } from "../shortcuts";
import type { AppErrorInfo } from "@/components/ui/feedback";
import type { Approval } from "../types";

export function IdleMessage() {
  return (
    <EmptyState
      h="100%"
      icon={<IconPlayerPlay size={26} stroke={1.6} />}
      variant="light"
      title="Run a query to see its results"
      description={
        <Group gap={6} justify="center" component="span">
          <Text span size="sm" c="dimmed">
            Press
          </Text>
          {keyLabels("Mod+Enter").map((k) => (
              <Kbd key={k} size="xs">
                {k}
              </Kbd>
            ))}
          <Text span size="sm" c="dimmed">
            for the statement under the cursor
          </Text>
        </Group>
      }
    />
  );
}

export function ErrorMessage({
  error,
  location,
  onReveal,
}: {
  error: AppErrorInfo;
  location: { line: number; column: number } | null;
  onReveal: () => void;
}) {
  return (
    <ScrollArea h="100%" p="md">
      <Alert
        color="red"
        variant="light"
        radius="md"
        icon={<IconCircleX size={20} />}
        title={
          <Group gap="xs">
            <span>The query failed</span>
            {error.appCode && (
              <Badge size="xs" color="red" variant="outline" radius="sm">
                {error.appCode}
              </Badge>
            )}
          </Group>
        }
        data-testid="query-error"
        role="alert"
      >
        <Stack gap="xs">
          <Code block style={{ whiteSpace: "pre-wrap", background: "transparent", padding: 0, fontSize: 13 }}>
            {error.message}
          </Code>
          {error.fields?.map((f) => (
            <Text key={f.field} size="sm">
              {f.field}: {f.message}
            </Text>
          ))}
          {location && (
            <Group gap="xs">
              <Button size="compact-xs" variant="light" color="red" onClick={onReveal}>
                Go to line {location.line}, column {location.column}
              </Button>
            </Group>
          )}
        </Stack>
      </Alert>
    </ScrollArea>
  );
}

export function CancelledMessage() {
  return (
    <EmptyState
      h="100%"
      icon={<IconClockPause size={26} stroke={1.6} />}
      title="Query cancelled"
      description="Nothing was kept. Run it again when you are ready."
    />
  );
}

export function ApprovalMessage({ approval }: { approval: Approval }) {
  return (
    <ScrollArea h="100%" p="md">
      <Alert
        color="orange"
        variant="light"
        radius="md"
        icon={<IconShieldCheck size={20} />}
        title={`Submitted for approval (risk: ${approval.riskLevel})`}
        data-testid="approval-notice"
      >
        <Stack gap={6}>
          <Text size="sm">
            This {approval.operation || approval.kind} changes data on <b>{approval.dataSourceName}</b>, so it waits for{" "}
            {approval.requiredApprovals === 1 ? "a reviewer" : `${approval.requiredApprovals} reviewers`} before it runs.
          </Text>
          {approval.riskReasons.length > 0 && (
            <Group gap={6} align="flex-start" wrap="nowrap">
              <IconAlertTriangle size={16} style={{ flex: "none", marginTop: 2 }} />
              <Text size="sm">{approval.riskReasons.join("; ")}</Text>
            </Group>
          )}
          <Anchor component={Link} href="/approvals" size="sm" fw={600}>
            Follow it in Approvals →
          </Anchor>
        </Stack>
      </Alert>
    </ScrollArea>
  );
}
