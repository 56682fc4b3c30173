import type { Metadata } from "next";
import { TemplatesLibrary } from "@/components/templates/templates-library";
import { requireSession } from "../../_lib/session";

export const metadata: Metadata = { title: "Templates" };

export default async function TemplatesPage() {
  await requireSession("/templates");
  return <TemplatesLibrary />;
}
