import type { Metadata } from "next";
import { PipelinesList } from "@/components/pipelines/pipelines-list";
import { requireSession } from "../../_lib/session";

export const metadata: Metadata = { title: "Pipelines" };

export default async function PipelinesPage() {
  await requireSession("/pipelines");
  return <PipelinesList />;
}
