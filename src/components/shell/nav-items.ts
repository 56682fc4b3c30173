import {
  IconBook2,
  IconChartLine,
  IconChecklist,
  IconCode,
  IconGauge,
  IconMessageChatbot,
  IconTemplate,
  IconSettings,
  IconSparkles,
  IconTopologyStar3,
  type Icon,
} from "@tabler/icons-react";

export interface NavItem {
  href: string;
  label: string;
  icon: Icon;
  adminOnly?: boolean;
  /** The page is not built yet (it shows a FeaturePage plan): the menu marks it "Soon". Every page is built today. */
  planned?: boolean;
}

export const NAV_ITEMS: readonly NavItem[] = [
  { href: "/editor", label: "Editor", icon: IconCode },
  { href: "/ask", label: "Ask", icon: IconSparkles },
  { href: "/chat", label: "Chat", icon: IconMessageChatbot },
  { href: "/templates", label: "Templates", icon: IconTemplate },
  { href: "/dictionary", label: "Dictionary", icon: IconBook2 },
  { href: "/pipelines", label: "Pipelines", icon: IconTopologyStar3 },
  { href: "/approvals", label: "Approvals", icon: IconChecklist },
  { href: "/usage", label: "Usage", icon: IconGauge },
  { href: "/analytics", label: "Analytics", icon: IconChartLine, adminOnly: true },
  { href: "/admin", label: "Admin", icon: IconSettings, adminOnly: true },
];

export function isActive(pathname: string, href: string): boolean {
  return pathname === href || pathname.startsWith(`${href}/`);
}
