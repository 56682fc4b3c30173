import type { Metadata } from "next";
import { SecurityPage } from "@/components/settings/security-page";
import { requireSession } from "../../../_lib/session";

export const metadata: Metadata = { title: "Security" };

export default async function Security() {
  await requireSession("/settings/security");
  return <SecurityPage />;
}
