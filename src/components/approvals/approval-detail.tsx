"use client";
import {
  Alert,
  Avatar,
  Badge,
  Button,
  Card,
  Group,
  List,
  Paper,
  Progress,
  SimpleGrid,
  Skeleton,
  Stack,
  Text,
  ThemeIcon,
  Timeline,
  Title,
} from "@mantine/core";
import { IconAlertCircle, IconAlertTriangle, IconCheck, IconDatabase, IconEye, IconRefresh, IconX } from "@tabler/icons-react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { useTRPC } from "@/lib/trpc";
import { ApprovalActions, permissionsFor } from "./approval-actions";
import { OperationBadge, RiskBadge, StatusBadge } from "@/components/ui/badges";
import { notifyError, notifySuccess } from "@/components/ui/feedback";
import { relativeTime, formatDate, formatNumber } from "@/components/ui/format";
import { PreviewDiff, PreviewUnavailable } from "./preview-diff";
import { SqlCode } from "@/components/results/sql-code";
import type { Approval, ViewerInfo } from "./types";

const LIVE_STATUSES = new Set(["pending", "approved", "executing", "reverting"]);

interface Props {
  id: string;
  viewer: ViewerInfo;
  /** Whether the viewer may approve on this request's data source. */
  canApproveOn: (dataSourceId: string) => boolean;
}

function Section({ title, right, children }: { title: string; right?: ReactNode; children: ReactNode }) {
  return (
    <Stack gap={8}>
      <Group justify="space-between" wrap="nowrap" mih={28}>
        <Text size="xs" fw={700} c="dimmed" tt="uppercase" lts={0.4}>
          {title}
        </Text>
        {right}
      </Group>
      {children}
    </Stack>
  );
}

function Fact({ label, value, hint, testId }: { label: string; value: ReactNode; hint?: ReactNode; testId?: string }) {
  return (
    <Paper withBorder radius="md" p="sm">
      <Text size="xs" c="dimmed" fw={500}>
        {label}
      </Text>
      <Text fw={700} fz="lg" mt={2} data-testid={testId}>
        {value}
      </Text>
      {hint && (
        <Text size="xs" c="dimmed" mt={2}>
          {hint}
        </Text>
      )}
    </Paper>
  );
}

export function ApprovalDetail({ id, viewer, canApproveOn }: Props) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const query = useQuery({
    ...trpc.approvals.get.queryOptions({ id }),
    refetchOnWindowFocus: true,
    refetchInterval: (q) => (q.state.data && !LIVE_STATUSES.has(q.state.data.status) ? false : 10_000),
  });
  function refresh() {
    void query.refetch();
    void queryClient.invalidateQueries(trpc.approvals.list.pathFilter());
    void queryClient.invalidateQueries(trpc.approvals.counts.pathFilter());
  }

  function settled(updated: Approval) {
    queryClient.setQueryData(trpc.approvals.get.queryKey({ id }), updated);
    void queryClient.invalidateQueries(trpc.approvals.list.pathFilter());
    void queryClient.invalidateQueries(trpc.approvals.counts.pathFilter());
  }

  const preview = useMutation(
    trpc.approvals.preview.mutationOptions({
      onSuccess(updated) {
        settled(updated);
        const n = updated.preview?.affectedRows ?? 0;
        notifySuccess("Preview updated", `${formatNumber(n)} row${n === 1 ? "" : "s"} would change.`);
      },
      onError: (e) => notifyError("Preview failed", e),
    }),
  );

  if (query.isPending) {
    return (
      <Stack gap="md" aria-busy="true">
        <Skeleton height={28} width="60%" />
        <Skeleton height={120} />
        <SimpleGrid cols={3}>
          <Skeleton height={70} />
          <Skeleton height={70} />
          <Skeleton height={70} />
        </SimpleGrid>
        <Skeleton height={160} />
      </Stack>
    );
  }
  if (query.isError) {
    return (
      <Alert color="red" variant="light" icon={<IconAlertCircle size={18} />} title="Could not load this request">
        {query.error.message}
      </Alert>
    );
  }

  const a = query.data;
  const canPreview = permissionsFor(a, viewer, canApproveOn(a.dataSourceId)).canPreview;
  const approvalsPct = Math.min(100, (a.approvalsCount / Math.max(1, a.requiredApprovals)) * 100);

  return (
    <Stack gap="lg" data-testid="approval-detail" data-status={a.status}>
      <Stack gap={6}>
        <Group gap="xs" wrap="wrap">
          <StatusBadge status={a.status} size="lg" data-testid="approval-status" />
          <RiskBadge level={a.riskLevel} size="lg" />
          <OperationBadge operation={a.operation} kind={a.kind} size="lg" />
        </Group>
        <Title order={3} fz={20}>
          {a.operation} on {a.dataSourceName}
        </Title>
        <Group gap={6} wrap="wrap">
          <Avatar name={a.requestedBy.username} color="initials" size={22} radius="xl" />
          <Text size="sm">
            <b>{a.requestedBy.username}</b>{" "}
            <Text span c="dimmed" size="sm">
              ({a.requestedBy.email}) requested {relativeTime(a.createdAt)} · {formatDate(a.createdAt)}
            </Text>
          </Text>
        </Group>
      </Stack>

      <Section title="Statement" right={<Badge variant="default" radius="sm" leftSection={<IconDatabase size={12} />}>{a.engine}</Badge>}>
        <SqlCode sql={a.sql} />
      </Section>

      <SimpleGrid cols={{ base: 1, xs: 3 }} spacing="sm">
        <Fact
          label="Estimated rows"
          value={a.estimatedRows === null ? "—" : formatNumber(a.estimatedRows)}
          hint={a.estimatedRows === null ? "The planner gave no estimate" : "Planner estimate"}
        />
        <Fact
          label="Approvals"
          testId="approval-count"
          value={`${a.approvalsCount} of ${a.requiredApprovals}`}
          hint={<Progress value={approvalsPct} size="sm" mt={6} color={approvalsPct >= 100 ? "teal" : "yellow"} aria-label="Approvals" />}
        />
        <Fact
          label={a.status === "executed" || a.status === "reverted" ? "Rows changed" : "Rows in preview"}
          value={
            a.affectedRows !== null
              ? formatNumber(a.affectedRows)
              : a.preview
                ? formatNumber(a.preview.affectedRows)
                : "—"
          }
          hint={
            a.executedAt
              ? `Executed ${relativeTime(a.executedAt)}`
              : a.preview
                ? `Previewed ${relativeTime(a.preview.previewedAt)}`
                : a.previewUnavailableReason !== null
                  ? "Never dry-run"
                  : "Not previewed yet"
          }
        />
      </SimpleGrid>

      <Section title="Risk review">
        {a.riskReasons.length === 0 ? (
          <Text size="sm" c="dimmed">
            No risk rule matched this statement.
          </Text>
        ) : (
          <List
            spacing={4}
            size="sm"
            icon={
              <ThemeIcon size={18} radius="xl" variant="light" color={a.riskLevel === "high" ? "red" : a.riskLevel === "medium" ? "yellow" : "teal"}>
                <IconAlertTriangle size={11} />
              </ThemeIcon>
            }
          >
            {a.riskReasons.map((reason) => (
              <List.Item key={reason}>{reason}</List.Item>
            ))}
          </List>
        )}
      </Section>

      <Section
        title="Dry-run preview"
        right={
          canPreview && (
            <Button
              size="compact-sm"
              variant="subtle"
              leftSection={a.preview ? <IconRefresh size={14} /> : <IconEye size={14} />}
              loading={preview.isPending}
              onClick={() => preview.mutate({ id })}
            >
              {a.preview ? "Preview again" : "Run preview"}
            </Button>
          )
        }
      >
        {a.preview ? (
          <Card withBorder radius="md" padding="sm" data-testid="approval-preview">
            <Group justify="space-between" mb="xs" wrap="nowrap">
              <Group gap={8} wrap="nowrap">
                <ThemeIcon variant="light" radius="md" size={30}>
                  <IconEye size={16} />
                </ThemeIcon>
                <div>
                  <Text fw={700} data-testid="preview-affected">
                    {a.kind === "ddl" && a.preview.affectedRows === 0 ? (
                      "The schema change ran cleanly in the dry run"
                    ) : (
                      <>
                        {formatNumber(a.preview.affectedRows)} row{a.preview.affectedRows === 1 ? "" : "s"}{" "}
                        {a.status === "pending" || a.status === "approved"
                          ? "would be affected"
                          : `${a.preview.affectedRows === 1 ? "was" : "were"} affected in the preview`}
                      </>
                    )}
                  </Text>
                  <Text size="xs" c="dimmed">
                    Run in a transaction that was rolled back · {formatDate(a.preview.previewedAt)}
                  </Text>
                </div>
              </Group>
            </Group>
            <PreviewDiff preview={a.preview} operation={a.operation} />
            {a.preview.note && a.preview.before && a.preview.before.length > 0 && (
              <Text size="xs" c="dimmed" mt="xs">
                {a.preview.note}
              </Text>
            )}
          </Card>
        ) : a.previewUnavailableReason !== null ? (
          <PreviewUnavailable reason={a.previewUnavailableReason} plan={a.explainPlan} />
        ) : (
          <Text size="sm" c="dimmed">
            {a.status === "pending"
              ? `The statement is dry-run automatically once it has its final approval.${canPreview ? " You can run a preview now." : ""}`
              : "No preview was recorded for this request."}
          </Text>
        )}
      </Section>

      <Section title={`Reviews · ${a.approvalsCount} of ${a.requiredApprovals} approvals`}>
        {a.reviews.length === 0 ? (
          <Text size="sm" c="dimmed">
            No one has reviewed this request yet.
          </Text>
        ) : (
          <Timeline bulletSize={24} lineWidth={2} active={a.reviews.length - 1}>
            {a.reviews.map((r) => (
              <Timeline.Item
                key={r.id}
                color={r.decision === "approved" ? "teal" : "red"}
                bullet={r.decision === "approved" ? <IconCheck size={13} /> : <IconX size={13} />}
                title={
                  <Text size="sm" fw={600}>
                    {r.reviewedBy.username}{" "}
                    <Text span size="sm" c={r.decision === "approved" ? "teal" : "red"} fw={600}>
                      {r.decision}
                    </Text>
                  </Text>
                }
              >
                {r.comments && (
                  <Text size="sm" mt={2}>
                    “{r.comments}”
                  </Text>
                )}
                <Text size="xs" c="dimmed" mt={2}>
                  {formatDate(r.reviewedAt)}
                </Text>
              </Timeline.Item>
            ))}
          </Timeline>
        )}
      </Section>

      <ApprovalActions
        key={a.id}
        approval={a}
        viewer={viewer}
        canApprove={canApproveOn(a.dataSourceId)}
        onUpdated={settled}
        onStale={refresh}
      />
    </Stack>
  );
}
