import type { Metadata } from "next";
import { ApprovalsInbox } from "@/components/approvals/approvals-inbox";
import { requireSession } from "../../_lib/session";

export const metadata: Metadata = { title: "Approvals" };

export default async function ApprovalsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const session = await requireSession("/approvals");
  const { request } = await searchParams;
  const requestId = typeof request === "string" && request.length <= 100 ? request : undefined;
  return <ApprovalsInbox viewer={{ id: session.user.id, role: session.user.role }} initialRequestId={requestId} />;
}
