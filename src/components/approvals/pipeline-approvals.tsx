"use client";
import { Badge, Button, Code, Group, Paper, Stack, Text, Textarea, Title } from "@mantine/core";
import { IconCheck, IconTopologyStar3, IconX } from "@tabler/icons-react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import { useState } from "react";
import { useTRPC } from "@/lib/trpc";
// Type-only: nothing of the server reaches the browser bundle.
import type { AppRouter } from "@/server/routers/_app";
import { notifyError, notifySuccess } from "@/components/ui/feedback";

/**
 * Pipeline versions that write into data sources and wait for this approver: what each
 * node does and where it writes, with Approve / Reject. Hidden when nothing waits.
 */
export function PipelineApprovals() {
  const trpc = useTRPC();
  const pending = useQuery({ ...trpc.pipelines.pendingApprovals.queryOptions(), refetchInterval: 10_000, refetchOnWindowFocus: true });
  if (!pending.data?.length) return null;
  return (
    <Paper withBorder radius="md" p="md" data-testid="pipeline-approvals">
      <Stack gap="sm">
        <Group gap="xs">
          <IconTopologyStar3 size={20} stroke={1.7} />
          <Title order={2} fz={18}>
            Pipelines waiting for approval
          </Title>
          <Badge color="yellow" variant="light">
            {pending.data.length}
          </Badge>
        </Group>
        {pending.data.map((a) => (
          <PipelineApprovalCard key={`${a.pipeline_id}:${a.version}`} approval={a} />
        ))}
      </Stack>
    </Paper>
  );
}

type Approval = inferRouterOutputs<AppRouter>["pipelines"]["pendingApprovals"][number];

function PipelineApprovalCard({ approval: a }: { approval: Approval }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [comment, setComment] = useState("");
  const decide = useMutation(
    trpc.pipelines.decide.mutationOptions({
      onSuccess: (done) => {
        notifySuccess(done.status === "approved" ? "Pipeline approved" : "Pipeline rejected", `${done.pipeline_name}, version ${done.version}`);
        void queryClient.invalidateQueries({ queryKey: trpc.pipelines.pendingApprovals.queryKey() });
        void queryClient.invalidateQueries({ queryKey: trpc.pipelines.pendingApprovalCount.queryKey() });
      },
      onError: (error) => notifyError("Could not record the decision", error),
    }),
  );
  const run = (decision: "approve" | "reject") => decide.mutate({ id: a.pipeline_id, version: a.version, decision, comment: comment || undefined });
  return (
    <Paper withBorder radius="sm" p="sm" data-testid="pipeline-approval-card" aria-label={`Pipeline ${a.pipeline_name}, version ${a.version}`}>
      <Stack gap={6}>
        <Group justify="space-between" wrap="wrap">
          <Text fw={600}>
            {a.pipeline_name} <Text span c="dimmed">· version {a.version} · by {a.owner_name ?? "unknown"}</Text>
          </Text>
        </Group>
        <Text size="sm">
          Writes to:{" "}
          {a.targets.map((t) => (
            <Badge key={t.node_id} variant="light" color="orange" mr={4} tt="none">
              {t.mode} {t.table} on {t.data_source_name}
            </Badge>
          ))}
        </Text>
        <Stack gap={2}>
          {a.nodes.map((n) => (
            <Text key={n.id} size="xs">
              <Text span fw={600}>{n.type}</Text> {n.module}: <Code>{n.summary}</Code>
            </Text>
          ))}
        </Stack>
        <Textarea size="xs" label="Comment (optional)" autosize minRows={1} value={comment} onChange={(e) => setComment(e.currentTarget.value)} />
        <Group gap="xs">
          <Button size="xs" color="teal" leftSection={<IconCheck size={14} />} loading={decide.isPending && decide.variables?.decision === "approve"} onClick={() => run("approve")}>
            Approve pipeline
          </Button>
          <Button size="xs" color="red" variant="light" leftSection={<IconX size={14} />} loading={decide.isPending && decide.variables?.decision === "reject"} onClick={() => run("reject")}>
            Reject pipeline
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}
