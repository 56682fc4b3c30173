import type { Metadata } from "next";
import { AskPanel } from "@/components/dictionary/ask-panel";
import { requireSession } from "../../_lib/session";

export const metadata: Metadata = { title: "Ask" };

export default async function AskPage() {
  await requireSession("/ask");
  return <AskPanel />;
}
