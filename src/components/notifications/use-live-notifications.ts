"use client";
import { notifications } from "@mantine/notifications";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { useTRPC } from "@/lib/trpc";

/**
 * The signed-in user's live notifications (server-sent events): approvers get a toast when
 * a request arrives, requesters when theirs moves, and every approval view refreshes, so
 * counts and statuses change without a reload. Answers the count waiting for review:
 * statements and pipeline versions.
 */
export function useLiveNotifications(): number {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const pending = useQuery(trpc.approvals.counts.queryOptions({ scope: "to_review" }, { refetchInterval: 60_000 }));
  // Pipeline versions waiting for this approver count too (polled: they are rare and not urgent to the second).
  const pipelines = useQuery(trpc.pipelines.pendingApprovalCount.queryOptions(undefined, { refetchInterval: 30_000 }));
  useSubscription(
    trpc.notifications.stream.subscriptionOptions(undefined, {
      onData: (n) => {
        if (n.kind !== "schedule.failed") void queryClient.invalidateQueries({ queryKey: trpc.approvals.pathKey() });
        if (n.kind === "approval.requested") {
          notifications.show({ color: "orange", title: "New approval request", message: n.message, autoClose: 6000, id: `approval-${n.id}` });
        } else if (n.kind === "approval.updated" && n.role === "requester") {
          notifications.show({ color: n.status === "rejected" || n.status === "failed" ? "red" : "teal", title: "Your request moved", message: n.message, autoClose: 6000 });
        } else if (n.kind === "schedule.failed") {
          notifications.show({ color: "red", title: "Schedule", message: n.message, autoClose: 8000 });
        }
      },
    }),
  );
  return (pending.data?.pending ?? 0) + (pipelines.data?.count ?? 0);
}
