import type { Metadata } from "next";
import { DictionaryView } from "@/components/dictionary/dictionary-view";
import { requireSession } from "../../_lib/session";

export const metadata: Metadata = { title: "Dictionary" };

export default async function DictionaryPage() {
  await requireSession("/dictionary");
  return <DictionaryView />;
}
