import { Badge, type BadgeProps } from "@mantine/core";
import {
  IconAlertOctagon,
  IconArrowBackUp,
  IconCheck,
  IconCircleCheck,
  IconClock,
  IconLoader2,
  IconX,
} from "@tabler/icons-react";
import type { ReactNode } from "react";
import type { Role } from "@/lib/roles";
import { humanize } from "./format";

/** Status, risk, operation and role badges: one look for the same fact on every page. */

const RISK_COLORS: Record<string, string> = { low: "teal", medium: "yellow", high: "red" };

// A badge's label may ellipsize, so its min-content width is tiny and auto-layout tables
// squeeze it to "SQLI…"; max-content keeps the whole word.
export const NO_SHRINK = { minWidth: "max-content" } as const;

export function RiskBadge({ level, compact, ...props }: { level: string; compact?: boolean } & Omit<BadgeProps, "color">) {
  return (
    <Badge
      style={NO_SHRINK}
      variant="light"
      color={RISK_COLORS[level] ?? "gray"}
      radius="sm"
      leftSection={<span aria-hidden style={{ width: 6, height: 6, borderRadius: 6, background: "currentColor", display: "inline-block" }} />}
      data-risk={level}
      {...props}
    >
      {compact ? level : `${level} risk`}
    </Badge>
  );
}

const STATUS: Record<string, { color: string; icon: ReactNode; label?: string }> = {
  pending: { color: "yellow", icon: <IconClock size={12} stroke={2} /> },
  approved: { color: "blue", icon: <IconCheck size={12} stroke={2} /> },
  executing: { color: "cyan", icon: <IconLoader2 size={12} stroke={2} /> },
  executed: { color: "teal", icon: <IconCircleCheck size={12} stroke={2} /> },
  rejected: { color: "red", icon: <IconX size={12} stroke={2} /> },
  failed: { color: "red", icon: <IconAlertOctagon size={12} stroke={2} /> },
  rolled_back: { color: "gray", icon: <IconArrowBackUp size={12} stroke={2} /> },
  reverting: { color: "orange", icon: <IconLoader2 size={12} stroke={2} /> },
  reverted: { color: "grape", icon: <IconArrowBackUp size={12} stroke={2} /> },
};

export function StatusBadge({ status, ...props }: { status: string } & Omit<BadgeProps, "color">) {
  const s = STATUS[status] ?? { color: "gray", icon: null };
  return (
    <Badge variant="light" color={s.color} radius="sm" leftSection={s.icon} data-status={status} style={NO_SHRINK} {...props}>
      {humanize(status)}
    </Badge>
  );
}

const OPERATION_COLORS: Record<string, string> = {
  INSERT: "teal",
  UPDATE: "blue",
  DELETE: "red",
  MERGE: "indigo",
  UPSERT: "indigo",
};

export function OperationBadge({ operation, kind, ...props }: { operation: string; kind?: string } & Omit<BadgeProps, "color">) {
  const color = OPERATION_COLORS[operation.toUpperCase()] ?? (kind === "ddl" ? "grape" : "gray");
  return (
    <Badge variant="outline" color={color} radius="sm" ff="monospace" tt="uppercase" style={NO_SHRINK} {...props}>
      {operation}
    </Badge>
  );
}

const ROLE_COLORS: Record<Role, string> = {
  admin: "grape",
  developer: "blue",
  analyst: "quarry",
  viewer: "gray",
};

export function RoleBadge({ role, ...props }: { role: Role } & Omit<BadgeProps, "color">) {
  return (
    <Badge variant="light" color={ROLE_COLORS[role]} radius="sm" {...props}>
      {role}
    </Badge>
  );
}
