import { IconCalendarTime, IconListDetails, IconTopologyStar3, IconTransform, IconWebhook } from "@tabler/icons-react";
import type { Metadata } from "next";
import { FeaturePage } from "@/components/feature/feature-page";
import { requireSession } from "../../_lib/session";

export const metadata: Metadata = { title: "Pipelines" };

const ICON = { size: 18, stroke: 1.7 };

export default async function PipelinesPage() {
  await requireSession("/pipelines");
  return (
    <FeaturePage
      title="Pipelines"
      icon={<IconTopologyStar3 size={22} stroke={1.7} />}
      summary="Build ETL pipelines on a canvas: read from databases and files, transform the rows, and write the result where it is needed."
      planned={[
        { icon: <IconTopologyStar3 {...ICON} />, title: "Visual canvas", text: "Drag sources, transforms and destinations onto a canvas and connect them; the graph is checked before it runs." },
        { icon: <IconTransform {...ICON} />, title: "Transforms", text: "Filter, map, join, aggregate and deduplicate, plus SQL steps, over PostgreSQL, MySQL, SQLite, CSV and Parquet." },
        { icon: <IconCalendarTime {...ICON} />, title: "Schedules", text: "Run on a cron schedule or on demand, in-process or spread over workers when Redis is configured." },
        { icon: <IconListDetails {...ICON} />, title: "Runs and logs", text: "Live progress per step, row counts, logs and the error that stopped a run." },
        { icon: <IconWebhook {...ICON} />, title: "Webhooks", text: "Tell other systems when a run finishes or fails." },
      ]}
    />
  );
}
