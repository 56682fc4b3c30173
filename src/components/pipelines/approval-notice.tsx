"use client";
import { Alert, Text } from "@mantine/core";
import { IconShieldCheck, IconShieldExclamation, IconShieldX } from "@tabler/icons-react";
import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "@/lib/trpc";

/**
 * Where the current version stands with approvers: a version whose loaders write into
 * data sources runs only once approved (never on its author's word).
 */
export function ApprovalNotice({ pipelineId }: { pipelineId: string }) {
  const trpc = useTRPC();
  const approval = useQuery({ ...trpc.pipelines.approval.queryOptions({ id: pipelineId }), refetchInterval: 10_000 });
  const a = approval.data;
  if (!a?.required) return null;
  const writes = a.targets.map((t) => `${t.table} on ${t.data_source_name} (${t.mode})`).join(", ");
  if (a.status === "approved") {
    return (
      <Alert color="teal" variant="light" py={6} icon={<IconShieldCheck size={18} />} data-testid="pipeline-approval">
        <Text size="sm">
          Version {a.version} approved by {a.decided_by_name ?? "an approver"}: it may write to {writes}.
        </Text>
      </Alert>
    );
  }
  if (a.status === "rejected") {
    return (
      <Alert color="red" variant="light" py={6} icon={<IconShieldX size={18} />} data-testid="pipeline-approval">
        <Text size="sm">
          Version {a.version} was rejected by {a.decided_by_name ?? "an approver"}
          {a.comment ? `: “${a.comment}”` : ""}. Change the pipeline and run it to ask again.
        </Text>
      </Alert>
    );
  }
  return (
    <Alert color="yellow" variant="light" py={6} icon={<IconShieldExclamation size={18} />} data-testid="pipeline-approval">
      <Text size="sm">
        {a.status === "pending"
          ? `Waiting for an approver: version ${a.version} writes to ${writes}. It runs once approved.`
          : `Version ${a.version} writes to ${writes}: its first run asks an approver of ${a.targets.length > 1 ? "those data sources" : "that data source"}, and it runs once approved.`}
      </Text>
    </Alert>
  );
}
