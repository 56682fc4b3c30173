import type { Metadata } from "next";
import { PipelineCanvas } from "@/components/pipelines/pipeline-canvas";
import { requireSession } from "../../../_lib/session";

export const metadata: Metadata = { title: "Pipeline" };

export default async function PipelinePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  await requireSession(`/pipelines/${id}`);
  return <PipelineCanvas pipelineId={id} />;
}
