import type { Metadata } from "next";
import { AdminConsole } from "@/components/admin/admin-console";
import { ADMIN_TABS, type AdminTab } from "@/components/admin/tabs";
import { Forbidden } from "@/components/admin/forbidden";
import { hasRole } from "@/lib/roles";
import { requireSession } from "../../_lib/session";

export const metadata: Metadata = { title: "Admin" };

export default async function AdminPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const session = await requireSession("/admin");
  // The navbar hides this link from non-admins, but the URL can still be typed.
  if (!hasRole(session.user.role, "admin")) return <Forbidden role={session.user.role} needed="admin" />;
  const { tab } = await searchParams;
  const initialTab = (ADMIN_TABS as readonly string[]).includes(String(tab)) ? (tab as AdminTab) : "datasources";
  return <AdminConsole currentUserId={session.user.id} initialTab={initialTab} />;
}
