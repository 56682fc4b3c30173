"use client";
import { AppShell, Burger, Group, ScrollArea } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import Link from "next/link";
import type { MouseEvent, ReactNode } from "react";
import classes from "./app-frame.module.css";
import { Logo } from "./logo";
import { NavFooter, NavLinks } from "./nav-links";
import type { ShellUser } from "./shell-user";
import { ThemeToggle } from "./theme-toggle";
import { UserMenu } from "./user-menu";
import { useLiveNotifications } from "@/components/notifications/use-live-notifications";

/** Where the skip link lands: the page itself, past the header and the navigation. */
export const MAIN_CONTENT_ID = "main-content";

/**
 * Focuses the page's own landing point when it marks one (`data-skip-target`, e.g. the
 * editor's toolbar, so Run is two tab stops away), else the page itself.
 */
function skipToContent(event: MouseEvent<HTMLAnchorElement>) {
  const main = document.getElementById(MAIN_CONTENT_ID);
  if (!main) return;
  event.preventDefault();
  const target = main.querySelector<HTMLElement>("[data-skip-target]") ?? main;
  if (!target.hasAttribute("tabindex")) target.tabIndex = -1;
  target.focus();
}

/**
 * The signed-in frame: a skip link (the first tab stop), header, navigation (a drawer
 * behind the burger below `md`, so an 800 px window keeps its width for the page) and
 * the page.
 */
export function AppFrame({ user, children }: { user: ShellUser; children: ReactNode }) {
  const [opened, { toggle, close }] = useDisclosure(false);
  const pendingReviews = useLiveNotifications();
  return (
    <AppShell
      header={{ height: 60 }}
      navbar={{ width: 240, breakpoint: "md", collapsed: { mobile: !opened } }}
      padding={{ base: "md", md: "xl" }}
    >
      <a href={`#${MAIN_CONTENT_ID}`} className={classes.skipLink} data-testid="skip-link" onClick={skipToContent}>
        Skip to main content
      </a>
      <AppShell.Header className={classes.header}>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="md" size="sm" aria-label="Toggle navigation" aria-expanded={opened} aria-controls="main-navigation" />
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
      <AppShell.Navbar p="sm" className={classes.navbar} aria-label="Main navigation" id="main-navigation">
        <AppShell.Section grow component={ScrollArea} scrollbars="y">
          <NavLinks isAdmin={user.role === "admin"} onNavigate={close} badges={{ "/approvals": pendingReviews }} />
        </AppShell.Section>
        <AppShell.Section pt="sm" style={{ borderTop: "1px solid var(--mantine-color-default-border)" }}>
          <NavFooter />
        </AppShell.Section>
      </AppShell.Navbar>
      <AppShell.Main className={classes.main} id={MAIN_CONTENT_ID} tabIndex={-1}>
        {children}
      </AppShell.Main>
    </AppShell>
  );
}
