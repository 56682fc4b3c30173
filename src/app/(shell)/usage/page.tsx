import type { Metadata } from "next";
import { UsageDashboard } from "@/components/usage/usage-dashboard";
import { requireSession } from "../../_lib/session";

export const metadata: Metadata = { title: "Usage" };

export default async function UsagePage() {
  await requireSession("/usage");
  return <UsageDashboard />;
}
