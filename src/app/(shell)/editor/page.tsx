import {
  IconChartBar,
  IconCode,
  IconDeviceFloppy,
  IconHistory,
  IconSparkles,
  IconTable,
} from "@tabler/icons-react";
import type { Metadata } from "next";
import { CurrentUserCard } from "@/components/editor/current-user-card";
import { FeaturePage } from "@/components/feature/feature-page";
import { requireSession } from "../../_lib/session";

export const metadata: Metadata = { title: "Editor" };

const ICON = { size: 18, stroke: 1.7 };

export default async function EditorPage() {
  await requireSession("/editor");
  return (
    <FeaturePage
      title="Editor"
      icon={<IconCode size={22} stroke={1.7} />}
      summary="Write SQL against your own PostgreSQL, MySQL/MariaDB and SQLite databases, see the results as a table or a chart, and keep the queries worth keeping."
      planned={[
        { icon: <IconCode {...ICON} />, title: "SQL editor", text: "Monaco, served by Quarry itself, with schema-aware autocomplete, formatting and one shortcut to run the statement under the cursor." },
        { icon: <IconTable {...ICON} />, title: "Results grid", text: "Streams large result sets into a virtual grid with sorting, column resizing and CSV export; long queries can be cancelled." },
        { icon: <IconChartBar {...ICON} />, title: "Charts", text: "Turn any result into a bar, line or pie chart by picking the columns, without leaving the editor." },
        { icon: <IconHistory {...ICON} />, title: "History", text: "Every query you ran, with its data source, duration and row count, searchable and one click from re-running." },
        { icon: <IconDeviceFloppy {...ICON} />, title: "Saved queries", text: "Name, tag and share queries with your team; writes go to the approvals inbox unless you may write directly." },
        { icon: <IconSparkles {...ICON} />, title: "Ask in plain language", text: "Describe what you want and get SQL to review and run, from the built-in offline engine or your own model." },
      ]}
    >
      <CurrentUserCard />
    </FeaturePage>
  );
}
