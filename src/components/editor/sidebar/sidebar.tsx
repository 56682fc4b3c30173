"use client";
import { Tabs } from "@mantine/core";
import { IconBookmarks, IconDatabase, IconHistory } from "@tabler/icons-react";
import { useState, type ReactNode } from "react";
import classes from "../workbench.module.css";

interface SidebarProps {
  schema: ReactNode;
  history: ReactNode;
  saved: ReactNode;
}

/** Schema, History and Saved queries, one at a time beside the editor. */
export function Sidebar({ schema, history, saved }: SidebarProps) {
  const [tab, setTab] = useState<string | null>("schema");
  return (
    <Tabs value={tab} onChange={setTab} className={classes.sidebar} classNames={{ panel: classes.sidebarPanel, list: classes.sidebarTabs, tab: classes.sidebarTab }}>
      <Tabs.List grow>
        <Tabs.Tab value="schema" leftSection={<IconDatabase size={14} />}>
          Schema
        </Tabs.Tab>
        <Tabs.Tab value="history" leftSection={<IconHistory size={14} />}>
          History
        </Tabs.Tab>
        <Tabs.Tab value="saved" leftSection={<IconBookmarks size={14} />}>
          Saved
        </Tabs.Tab>
      </Tabs.List>
      <Tabs.Panel value="schema">{schema}</Tabs.Panel>
      <Tabs.Panel value="history">{history}</Tabs.Panel>
      <Tabs.Panel value="saved">{saved}</Tabs.Panel>
    </Tabs>
  );
}
