import { Badge, type BadgeProps } from "@mantine/core";
import type { Role } from "@/lib/roles";

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
