import type { Metadata } from "next";
import { Forbidden } from "@/components/admin/forbidden";
import { SystemAnalytics } from "@/components/usage/system-analytics";
import { hasRole } from "@/lib/roles";
import { requireSession } from "../../_lib/session";

export const metadata: Metadata = { title: "Analytics" };

export default async function AnalyticsPage() {
  const session = await requireSession("/analytics");
  // The navbar hides this link from non-admins, but the URL can still be typed.
  if (!hasRole(session.user.role, "admin")) return <Forbidden role={session.user.role} needed="admin" />;
  return <SystemAnalytics />;
}
