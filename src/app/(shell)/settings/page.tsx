import type { Metadata } from "next";
import { SettingsPage } from "@/components/settings/settings-page";
import { requireSession } from "../../_lib/session";

export const metadata: Metadata = { title: "Settings" };

export default async function Settings() {
  await requireSession("/settings");
  return <SettingsPage />;
}
