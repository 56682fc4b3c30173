import type { Metadata } from "next";
import { ShareFrame } from "@/components/share/share-frame";
import { SharedResult } from "@/components/share/shared-result";

export const metadata: Metadata = { title: "Shared result", robots: { index: false, follow: false } };

/** Public: anyone with the link sees the snapshot; no session is needed or read. */
export default async function SharePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return (
    <ShareFrame>
      <SharedResult id={id} />
    </ShareFrame>
  );
}
