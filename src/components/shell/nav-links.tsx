"use client";
import { Badge, Box, NavLink, Stack, Text } from "@mantine/core";
import { IconExternalLink, IconApi } from "@tabler/icons-react";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { isActive, NAV_ITEMS } from "./nav-items";

interface NavLinksProps {
  isAdmin: boolean;
  /** Closes the drawer-style navbar on small screens once a link is followed. */
  onNavigate: () => void;
  /** A count shown beside a link (e.g. requests waiting for your review), by href. */
  badges?: Record<string, number>;
}

export function NavLinks({ isAdmin, onNavigate, badges = {} }: NavLinksProps) {
  const pathname = usePathname() ?? "";
  const items = NAV_ITEMS.filter((item) => !item.adminOnly || isAdmin);
  return (
    <Stack gap={4}>
      <Text size="xs" fw={600} c="dimmed" tt="uppercase" px="sm" pb={4}>
        Workspace
      </Text>
      {items.map(({ href, label, icon: Icon, planned }) => {
        const active = isActive(pathname, href);
        return (
          <NavLink
            key={href}
            component={Link}
            href={href}
            label={label}
            description={planned ? "Not built yet" : undefined}
            active={active}
            aria-current={active ? "page" : undefined}
            leftSection={<Icon size={18} stroke={1.7} />}
            rightSection={
              badges[href] ? (
                <Badge size="sm" color="orange" variant="filled" circle aria-label={`${badges[href]} waiting for your review`} data-testid={`nav-badge-${href.slice(1)}`}>
                  {badges[href]}
                </Badge>
              ) : planned ? (
                <Badge size="xs" variant="outline" color="gray" radius="sm" data-testid="nav-planned">
                  Soon
                </Badge>
              ) : undefined
            }
            onClick={onNavigate}
            variant="light"
            style={{ borderRadius: "var(--mantine-radius-md)" }}
            fw={active ? 600 : 500}
          />
        );
      })}
    </Stack>
  );
}

export function NavFooter() {
  return (
    <Box>
      <NavLink
        href="/api/docs"
        target="_blank"
        rel="noreferrer"
        label="API reference"
        description="REST API and OpenAPI"
        leftSection={<IconApi size={18} stroke={1.7} />}
        rightSection={<IconExternalLink size={14} stroke={1.7} />}
        style={{ borderRadius: "var(--mantine-radius-md)" }}
      />
    </Box>
  );
}
