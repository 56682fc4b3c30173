import type { Metadata } from "next";
import { WorkbenchClient } from "@/components/editor/workbench-client";
import { requireSession } from "../../_lib/session";

export const metadata: Metadata = { title: "Editor" };

export default async function EditorPage() {
  const session = await requireSession("/editor");
  return <WorkbenchClient userId={session.user.id} userEmail={session.user.email} />;
}
