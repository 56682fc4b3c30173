"use client";
import { Alert, Button, Group, Paper, Stack, Text, Textarea, Tooltip } from "@mantine/core";
import { IconArrowBackUp, IconInfoCircle, IconPlayerPlay, IconShieldCheck, IconX } from "@tabler/icons-react";
import { useMutation } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import { useTRPC } from "@/lib/trpc";
import { ConfirmModal } from "@/components/ui/confirm-modal";
import { notifyError, notifySuccess } from "@/components/ui/feedback";
import { formatNumber } from "@/components/ui/format";
import { Outcome } from "./outcome";
import type { Approval, ViewerInfo } from "./types";

type Confirmable = "reject" | "commit" | "rollback" | "revert" | "retry";

/** What the viewer may do with a request, and in words why not. */
export function permissionsFor(a: Approval, viewer: ViewerInfo, canApprove: boolean) {
  const own = a.requestedBy.id === viewer.id;
  const reviewed = a.reviews.some((r) => r.reviewedBy.id === viewer.id);
  let reviewBlocked: string | null = null;
  if (a.status !== "pending") reviewBlocked = null;
  else if (own) reviewBlocked = "This is your own request: another approver has to review it.";
  else if (!canApprove) reviewBlocked = `You are not an approver on ${a.dataSourceName}.`;
  else if (reviewed) {
    const left = a.requiredApprovals - a.approvalsCount;
    reviewBlocked = `You have reviewed this request; it needs ${left} more approval${left === 1 ? "" : "s"} from someone else.`;
  }
  const actor = own || canApprove;
  return {
    own,
    canReview: a.status === "pending" && !reviewBlocked,
    reviewBlocked,
    // Only an approver other than the requester previews, and only what a rollback fully undoes.
    canPreview: (a.status === "pending" || a.status === "approved") && canApprove && !own && a.previewUnavailableReason === null,
    canCommit: a.status === "approved" && actor,
    canRollback: (a.status === "pending" || a.status === "approved" || a.status === "failed") && actor,
    canRetry: a.status === "failed" && canApprove,
    canRevert: a.status === "executed" && !!a.backupTable && canApprove,
  };
}

interface Props {
  approval: Approval;
  viewer: ViewerInfo;
  canApprove: boolean;
  onUpdated: (updated: Approval) => void;
  /** After a failure that may have changed the request (a failed commit is recorded). */
  onStale: () => void;
}

/** Approve / reject while pending; commit or roll back once approved; revert once executed with a backup. */
export function ApprovalActions({ approval: a, viewer, canApprove, onUpdated, onStale }: Props) {
  const trpc = useTRPC();
  const id = a.id;
  const [comment, setComment] = useState("");
  const [confirming, setConfirming] = useState<Confirmable | null>(null);
  const settled = onUpdated;

  const review = useMutation(
    trpc.approvals.review.mutationOptions({
      onSuccess(updated, vars) {
        settled(updated);
        setComment("");
        setConfirming(null);
        if (vars.decision === "rejected") notifySuccess("Request rejected", "The requester sees your comment.");
        else if (updated.status === "approved")
          notifySuccess("Request approved", updated.preview ? "The dry-run preview is below; commit when it looks right." : "Ready to commit.");
        else notifySuccess("Approval recorded", `${updated.approvalsCount} of ${updated.requiredApprovals} approvals so far.`);
      },
      onError: (e, vars) => notifyError(vars.decision === "approved" ? "Could not approve" : "Could not reject", e),
    }),
  );
  const commit = useMutation(
    trpc.approvals.commit.mutationOptions({
      onSuccess(updated) {
        settled(updated);
        setConfirming(null);
        const n = updated.affectedRows ?? 0;
        notifySuccess("Committed", `${formatNumber(n)} row${n === 1 ? "" : "s"} changed on ${updated.dataSourceName}.`);
      },
      onError(e) {
        setConfirming(null);
        notifyError("Commit failed", e);
        onStale();
      },
    }),
  );
  const rollback = useMutation(
    trpc.approvals.rollback.mutationOptions({
      onSuccess(updated) {
        settled(updated);
        setConfirming(null);
        notifySuccess("Rolled back", "The request was discarded; nothing ran.");
      },
      onError: (e) => notifyError("Could not roll back", e),
    }),
  );
  const revert = useMutation(
    trpc.approvals.revert.mutationOptions({
      onSuccess(updated) {
        settled(updated);
        setConfirming(null);
        notifySuccess("Reverted", "The changed rows were restored from the backup.");
      },
      onError(e) {
        setConfirming(null);
        notifyError("Revert failed", e);
      },
    }),
  );

  const retry = useMutation(
    trpc.approvals.retry.mutationOptions({
      onSuccess(updated) {
        settled(updated);
        setConfirming(null);
        notifySuccess("Ready to commit again", "The request is approved again; commit it when the target is as expected.");
      },
      onError: (e) => notifyError("Could not retry", e),
    }),
  );

  const can = permissionsFor(a, viewer, canApprove);
  const busy = review.isPending || commit.isPending || rollback.isPending || revert.isPending || retry.isPending;

  const confirmCopy: Record<Confirmable, { title: string; label: string; color: string; body: ReactNode }> = {
    commit: {
      title: "Commit this change?",
      label: "Commit",
      color: "quarry",
      body: (
        <>
          <Text size="sm">
            The statement runs for real on <b>{a.dataSourceName}</b>
            {a.preview ? (
              <>
                {" "}
                and must change exactly <b>{formatNumber(a.preview.affectedRows)}</b> row{a.preview.affectedRows === 1 ? "" : "s"}, as
                the preview did; otherwise it is rolled back.
              </>
            ) : a.previewUnavailableReason !== null ? (
              <>. It was never dry-run ({a.previewUnavailableReason}), so its effect is known only from the statement and the plan.</>
            ) : (
              "."
            )}
          </Text>
          <Text size="sm" c="dimmed">
            This cannot be undone from Quarry unless the data source keeps backups.
          </Text>
        </>
      ),
    },
    rollback: {
      title: can.own && a.status === "pending" ? "Withdraw this request?" : "Roll back this request?",
      label: can.own && a.status === "pending" ? "Withdraw" : "Roll back",
      color: "red",
      body: can.own
        ? "The request is discarded and nothing runs. You can submit the statement again later."
        : "The request is discarded and nothing runs. The requester can submit the statement again later.",
    },
    revert: {
      title: "Revert this change?",
      label: "Revert",
      color: "orange",
      body: (
        <Text size="sm">
          The rows this statement changed are put back from the backup table <code>{a.backupTable}</code>. Changes made to those rows
          since the commit are overwritten.
        </Text>
      ),
    },
    retry: {
      title: "Retry this request?",
      label: "Retry",
      color: "quarry",
      body: (
        <Text size="sm">
          The request goes back to approved, so it can be committed again. If its commit was interrupted, check{" "}
          <b>{a.dataSourceName}</b> first: the change may already be there, and a commit whose row count no longer matches the
          preview is refused.
        </Text>
      ),
    },
    reject: {
      title: "Reject this request?",
      label: "Reject",
      color: "red",
      body: comment.trim()
        ? "The request is closed and your comment is shown to the requester."
        : "The request is closed. Consider adding a comment so the requester knows why.",
    },
  };

  function runConfirmed() {
    if (confirming === "commit") commit.mutate({ id });
    else if (confirming === "rollback") rollback.mutate({ id });
    else if (confirming === "revert") revert.mutate({ id });
    else if (confirming === "retry") retry.mutate({ id });
    else if (confirming === "reject") review.mutate({ id, decision: "rejected", comments: comment.trim() });
  }

  return (
    <>
      <Paper withBorder radius="md" p="md" data-testid="approval-actions" style={{ position: "sticky", bottom: 0, zIndex: 2 }} shadow="sm">
        <Outcome a={a} />
        {a.status === "pending" && (
          <Stack gap="sm">
            {can.reviewBlocked && (
              <Alert variant="light" color="gray" icon={<IconInfoCircle size={18} />} p="xs" data-testid="review-blocked">
                {can.reviewBlocked}
              </Alert>
            )}
            {can.canReview && (
              <Textarea
                label="Comment"
                placeholder="Optional for approvals; tell the requester why when you reject"
                autosize
                minRows={2}
                maxRows={6}
                value={comment}
                onChange={(e) => setComment(e.currentTarget.value)}
                maxLength={5000}
              />
            )}
            <Group justify="space-between" wrap="wrap" gap="sm">
              {can.canRollback ? (
                <Button variant="subtle" color="gray" leftSection={<IconArrowBackUp size={16} />} onClick={() => setConfirming("rollback")} disabled={busy}>
                  {can.own ? "Withdraw request" : "Roll back"}
                </Button>
              ) : (
                <span />
              )}
              <Group gap="sm">
                <Tooltip label={can.reviewBlocked} disabled={!can.reviewBlocked} multiline w={260} withArrow>
                  <Button
                    variant="light"
                    color="red"
                    leftSection={<IconX size={16} />}
                    disabled={!can.canReview || busy}
                    onClick={() => setConfirming("reject")}
                  >
                    Reject
                  </Button>
                </Tooltip>
                <Tooltip label={can.reviewBlocked} disabled={!can.reviewBlocked} multiline w={260} withArrow>
                  <Button
                    color="teal"
                    leftSection={<IconShieldCheck size={16} />}
                    disabled={!can.canReview || busy}
                    loading={review.isPending && review.variables?.decision === "approved"}
                    onClick={() => review.mutate({ id, decision: "approved", comments: comment.trim() })}
                  >
                    Approve
                  </Button>
                </Tooltip>
              </Group>
            </Group>
          </Stack>
        )}
        {a.status === "approved" && (
          <BackOrRun
            back={{ label: "Roll back", disabled: !can.canRollback || busy, onClick: () => setConfirming("rollback") }}
            run={{
              label: "Commit",
              disabled: !can.canCommit || busy,
              loading: commit.isPending,
              onClick: () => setConfirming("commit"),
              whyNot: can.canCommit ? null : "Only the requester or an approver on this data source may commit",
            }}
          />
        )}
        {a.status === "failed" && (
          <BackOrRun
            testId="failed-actions"
            back={{ label: "Discard", disabled: !can.canRollback || busy, onClick: () => setConfirming("rollback") }}
            run={{
              label: "Retry",
              disabled: !can.canRetry || busy,
              loading: retry.isPending,
              onClick: () => setConfirming("retry"),
              whyNot: can.canRetry ? null : "Only approvers on this data source may retry",
            }}
          />
        )}
        {a.status === "executed" && a.backupTable && (
          <Group justify="flex-end" mt="sm">
            <Tooltip label="Only approvers on this data source may revert" disabled={can.canRevert} withArrow>
              <Button
                variant="light"
                color="orange"
                leftSection={<IconArrowBackUp size={16} />}
                onClick={() => setConfirming("revert")}
                disabled={!can.canRevert || busy}
                loading={revert.isPending}
              >
                Revert from backup
              </Button>
            </Tooltip>
          </Group>
        )}
      </Paper>

      {confirming && (
        <ConfirmModal
          opened
          title={confirmCopy[confirming].title}
          confirmLabel={confirmCopy[confirming].label}
          color={confirmCopy[confirming].color}
          loading={busy}
          onClose={() => setConfirming(null)}
          onConfirm={runConfirmed}
        >
          {confirmCopy[confirming].body}
        </ConfirmModal>
      )}
    </>
  );
}

interface ActionButton {
  label: string;
  disabled: boolean;
  onClick: () => void;
}

/**
 * The two-way choice an approved or failed request offers: step back (roll back /
 * discard) on the left, go on (commit / retry) on the right, with why it is disabled.
 */
function BackOrRun({ back, run, testId }: { back: ActionButton; run: ActionButton & { loading: boolean; whyNot: string | null }; testId?: string }) {
  return (
    <Group justify="space-between" wrap="wrap" gap="sm" mt="sm" data-testid={testId}>
      <Button variant="light" color="red" leftSection={<IconArrowBackUp size={16} />} onClick={back.onClick} disabled={back.disabled}>
        {back.label}
      </Button>
      <Tooltip label={run.whyNot ?? ""} disabled={!run.whyNot} withArrow>
        <Button leftSection={<IconPlayerPlay size={16} />} onClick={run.onClick} disabled={run.disabled} loading={run.loading}>
          {run.label}
        </Button>
      </Tooltip>
    </Group>
  );
}
