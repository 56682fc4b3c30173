"use client";
import { AppShell, Burger, Group, ScrollArea } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import Link from "next/link";
import type { ReactNode } from "react";
import classes from "./app-frame.module.css";
import { Logo } from "./logo";
import { NavFooter, NavLinks } from "./nav-links";
import type { ShellUser } from "./shell-user";
import { ThemeToggle } from "./theme-toggle";
import { UserMenu } from "./user-menu";
import { useLiveNotifications } from "@/components/notifications/use-live-notifications";

/** The signed-in frame: header, navigation (a drawer below `sm`) and the page. */
export function AppFrame({ user, children }: { user: ShellUser; children: ReactNode }) {
  const [opened, { toggle, close }] = useDisclosure(false);
  const pendingReviews = useLiveNotifications();
  return (
    <AppShell
      header={{ height: 60 }}
      navbar={{ width: 240, breakpoint: "sm", collapsed: { mobile: !opened } }}
      padding={{ base: "md", sm: "xl" }}
    >
      <AppShell.Header className={classes.header}>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Toggle navigation" />
            <Link href="/editor" aria-label="Quarry home" style={{ color: "inherit", textDecoration: "none" }}>
              <Logo />
            </Link>
          </Group>
          <Group gap="xs" wrap="nowrap">
            <ThemeToggle />
            <UserMenu user={user} />
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="sm" className={classes.navbar} aria-label="Main navigation">
        <AppShell.Section grow component={ScrollArea} scrollbars="y">
          <NavLinks isAdmin={user.role === "admin"} onNavigate={close} badges={{ "/approvals": pendingReviews }} />
        </AppShell.Section>
        <AppShell.Section pt="sm" style={{ borderTop: "1px solid var(--mantine-color-default-border)" }}>
          <NavFooter />
        </AppShell.Section>
      </AppShell.Navbar>
      <AppShell.Main className={classes.main}>{children}</AppShell.Main>
    </AppShell>
  );
}
