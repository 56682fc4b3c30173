"use client";
import { Group, Stack, Tabs, Text, ThemeIcon, Title } from "@mantine/core";
import { IconActivity, IconDatabaseCog, IconFileText, IconSettings, IconUser, IconUsersGroup } from "@tabler/icons-react";
import { useState } from "react";
import { AuditPanel } from "./audit/audit-panel";
import { DataSourcesPanel } from "./datasources/data-sources-panel";
import { GroupsPanel } from "./groups/groups-panel";
import { SystemPanel } from "./system/system-panel";
import type { AdminTab } from "./tabs";
import { UsersPanel } from "./users/users-panel";


const ICON = { size: 16, stroke: 1.8 };

/** The admin console: one tab per area, the open tab kept in the address (`?tab=`). */
export function AdminConsole({ currentUserId, initialTab }: { currentUserId: string; initialTab: AdminTab }) {
  const [tab, setTab] = useState<AdminTab>(initialTab);

  function choose(value: string | null) {
    if (!value) return;
    setTab(value as AdminTab);
    const url = new URL(window.location.href);
    url.searchParams.set("tab", value);
    window.history.replaceState(window.history.state, "", url);
  }

  return (
    <Stack gap="lg" maw={1280}>
      <Stack gap={4}>
        <Group gap="sm" wrap="nowrap">
          <ThemeIcon size={40} radius="md" variant="light">
            <IconSettings size={22} stroke={1.7} />
          </ThemeIcon>
          <Title order={1} fz={28}>
            Admin
          </Title>
        </Group>
        <Text c="dimmed" maw={720}>
          Run this Quarry: the databases it connects to, who can sign in, what each of them may do where, and a record of what
          happened.
        </Text>
      </Stack>

      <Tabs value={tab} onChange={choose} keepMounted={false} variant="default">
        <Tabs.List mb="lg">
          <Tabs.Tab value="datasources" leftSection={<IconDatabaseCog {...ICON} />}>
            Data sources
          </Tabs.Tab>
          <Tabs.Tab value="users" leftSection={<IconUser {...ICON} />}>
            Users
          </Tabs.Tab>
          <Tabs.Tab value="groups" leftSection={<IconUsersGroup {...ICON} />}>
            Groups
          </Tabs.Tab>
          <Tabs.Tab value="audit" leftSection={<IconFileText {...ICON} />}>
            Audit log
          </Tabs.Tab>
          <Tabs.Tab value="system" leftSection={<IconActivity {...ICON} />}>
            System
          </Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="datasources">
          <DataSourcesPanel />
        </Tabs.Panel>
        <Tabs.Panel value="users">
          <UsersPanel currentUserId={currentUserId} />
        </Tabs.Panel>
        <Tabs.Panel value="groups">
          <GroupsPanel />
        </Tabs.Panel>
        <Tabs.Panel value="audit">
          <AuditPanel />
        </Tabs.Panel>
        <Tabs.Panel value="system">
          <SystemPanel />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
