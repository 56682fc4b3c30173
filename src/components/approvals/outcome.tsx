"use client";
import { Alert, Text } from "@mantine/core";
import { IconAlertCircle, IconArrowBackUp, IconCheck, IconCircleCheck, IconPlayerPlay, IconX } from "@tabler/icons-react";
import { formatDate, formatNumber } from "@/components/ui/format";
import type { Approval } from "./types";

/** One line on where the request stands, above its actions. */
export function Outcome({ a }: { a: Approval }) {
  const rejection = a.reviews.find((r) => r.decision === "rejected");
  switch (a.status) {
    case "pending":
      return (
        <Text size="sm" fw={600} mb="sm">
          Waiting for {a.requiredApprovals - a.approvalsCount} more approval{a.requiredApprovals - a.approvalsCount === 1 ? "" : "s"}
        </Text>
      );
    case "approved":
      return (
        <Alert variant="light" color="blue" icon={<IconCheck size={18} />} title="Approved — ready to commit" p="xs">
          Check the preview, then commit to run the statement for real, or roll the request back.
        </Alert>
      );
    case "executing":
      return (
        <Alert variant="light" color="cyan" icon={<IconPlayerPlay size={18} />} title="Running">
          The statement is being committed now.
        </Alert>
      );
    case "executed":
      return (
        <Alert variant="light" color="teal" icon={<IconCircleCheck size={18} />} title="Executed">
          {formatNumber(a.affectedRows ?? 0)} row{a.affectedRows === 1 ? "" : "s"} changed · {formatDate(a.executedAt)}
          {a.backupTable ? ` · backup in ${a.backupTable}` : " · no backup was taken"}
        </Alert>
      );
    case "failed":
      return (
        <Alert variant="light" color="red" icon={<IconAlertCircle size={18} />} title="The commit failed" data-testid="approval-error">
          {a.error ?? "The statement failed."} Nothing was changed.
        </Alert>
      );
    case "rejected":
      return (
        <Alert variant="light" color="red" icon={<IconX size={18} />} title={`Rejected${rejection ? ` by ${rejection.reviewedBy.username}` : ""}`}>
          {rejection?.comments ? `“${rejection.comments}”` : "No comment was given."}
        </Alert>
      );
    case "rolled_back":
      return (
        <Alert variant="light" color="gray" icon={<IconArrowBackUp size={18} />} title="Rolled back">
          The request was discarded; nothing ran.
        </Alert>
      );
    case "reverting":
    case "reverted":
      return (
        <Alert variant="light" color="grape" icon={<IconArrowBackUp size={18} />} title={a.status === "reverting" ? "Reverting" : "Reverted"}>
          The rows this statement changed {a.status === "reverting" ? "are being" : "were"} restored from its backup.
        </Alert>
      );
    default:
      return null;
  }
}
