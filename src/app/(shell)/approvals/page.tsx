import { IconBell, IconChecklist, IconFileText, IconGitCompare, IconShieldCheck } from "@tabler/icons-react";
import type { Metadata } from "next";
import { FeaturePage } from "@/components/feature/feature-page";
import { requireSession } from "../../_lib/session";

export const metadata: Metadata = { title: "Approvals" };

const ICON = { size: 18, stroke: 1.7 };

export default async function ApprovalsPage() {
  await requireSession("/approvals");
  return (
    <FeaturePage
      title="Approvals"
      icon={<IconChecklist size={22} stroke={1.7} />}
      summary="Statements that change data wait here for review. Approvers see exactly what will run and where before anything is written."
      planned={[
        { icon: <IconChecklist {...ICON} />, title: "Review inbox", text: "Pending INSERT, UPDATE, DELETE and DDL statements with their author, data source and reason." },
        { icon: <IconGitCompare {...ICON} />, title: "Impact preview", text: "The affected tables and an estimate of the rows a statement touches, before it is approved." },
        { icon: <IconShieldCheck {...ICON} />, title: "Approve or reject", text: "Approved statements run once, as approved; rejections carry a comment back to the author." },
        { icon: <IconBell {...ICON} />, title: "Notifications", text: "Authors hear when their request is decided; approvers when something is waiting." },
        { icon: <IconFileText {...ICON} />, title: "Audit trail", text: "Every request and decision is kept with who, when and what ran." },
      ]}
    />
  );
}
