import { IconBook2, IconDatabaseSearch, IconRefresh, IconSparkles, IconTag } from "@tabler/icons-react";
import type { Metadata } from "next";
import { FeaturePage } from "@/components/feature/feature-page";
import { requireSession } from "../../_lib/session";

export const metadata: Metadata = { title: "Dictionary" };

const ICON = { size: 18, stroke: 1.7 };

export default async function DictionaryPage() {
  await requireSession("/dictionary");
  return (
    <FeaturePage
      title="Dictionary"
      icon={<IconBook2 size={22} stroke={1.7} />}
      summary="A shared description of every data source: what each table and column means, who owns it and how it may be used."
      planned={[
        { icon: <IconDatabaseSearch {...ICON} />, title: "Browse schemas", text: "Tables, columns, types and keys of every connected database, searchable in one place." },
        { icon: <IconTag {...ICON} />, title: "Descriptions and tags", text: "Business names, descriptions, owners and sensitivity tags that the editor and chat show next to the data." },
        { icon: <IconSparkles {...ICON} />, title: "Suggested metadata", text: "A first draft of descriptions guessed from names and sample values, for a person to accept or correct." },
        { icon: <IconRefresh {...ICON} />, title: "Schema sync", text: "Scheduled re-reads of each database so the dictionary notices new and dropped columns." },
      ]}
    />
  );
}
