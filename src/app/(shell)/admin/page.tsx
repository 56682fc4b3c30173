import { IconAdjustments, IconDatabaseCog, IconFileText, IconSettings, IconUsersGroup } from "@tabler/icons-react";
import type { Metadata } from "next";
import { Forbidden } from "@/components/admin/forbidden";
import { FeaturePage } from "@/components/feature/feature-page";
import { hasRole } from "@/lib/roles";
import { requireSession } from "../../_lib/session";

export const metadata: Metadata = { title: "Admin" };

const ICON = { size: 18, stroke: 1.7 };

export default async function AdminPage() {
  const session = await requireSession("/admin");
  // The navbar hides this link from non-admins, but the URL can still be typed.
  if (!hasRole(session.user.role, "admin")) return <Forbidden role={session.user.role} needed="admin" />;
  return (
    <FeaturePage
      title="Admin"
      icon={<IconSettings size={22} stroke={1.7} />}
      summary="Run this Quarry: who can sign in, what each of them may do on which data source, and a record of what happened."
      planned={[
        { icon: <IconUsersGroup {...ICON} />, title: "Users and groups", text: "Invite, deactivate and assign roles; group people to grant access once." },
        { icon: <IconDatabaseCog {...ICON} />, title: "Data sources", text: "Connect and test databases, and decide per group who may read, write without approval, or approve." },
        { icon: <IconFileText {...ICON} />, title: "Audit log", text: "Sign-ins, queries, approvals and configuration changes, filterable and exportable." },
        { icon: <IconAdjustments {...ICON} />, title: "Settings", text: "Registration, rate limits, AI providers and other instance-wide options." },
      ]}
    />
  );
}
