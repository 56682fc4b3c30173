"use client";
import { ActionIcon, Tooltip } from "@mantine/core";
import { IconBookmark, IconFileCode, IconPlus, IconX } from "@tabler/icons-react";
import { useState, type KeyboardEvent } from "react";
import type { EditorTab } from "./use-editor-tabs";
import classes from "../workbench.module.css";

interface EditorTabsProps {
  tabs: readonly EditorTab[];
  activeId: string;
  onSelect: (id: string) => void;
  onClose: (id: string) => void;
  onNew: () => void;
  onRename: (id: string, title: string) => void;
}

/** Query tabs: click to switch, double-click to rename, middle-click or × to close; a dot marks unsaved changes. */
export function EditorTabs({ tabs, activeId, onSelect, onClose, onNew, onRename }: EditorTabsProps) {
  const [editing, setEditing] = useState<string | null>(null);

  const finish = (id: string, value: string) => {
    if (value.trim()) onRename(id, value.trim().slice(0, 200));
    setEditing(null);
  };
  const onKey = (event: KeyboardEvent<HTMLDivElement>, index: number) => {
    if (event.key === "Delete") {
      event.preventDefault();
      const tab = tabs[index];
      if (tab) onClose(tab.id);
      return;
    }
    const next = event.key === "ArrowRight" ? index + 1 : event.key === "ArrowLeft" ? index - 1 : null;
    if (next === null) return;
    const tab = tabs[(next + tabs.length) % tabs.length];
    if (tab) {
      onSelect(tab.id);
      (event.currentTarget.parentElement?.children[(next + tabs.length) % tabs.length] as HTMLElement | undefined)?.focus();
    }
  };

  return (
    <div className={classes.tabBar}>
      <div className={classes.tabList} role="tablist" aria-label="Query tabs">
        {tabs.map((tab, index) => {
          const active = tab.id === activeId;
          const Icon = tab.savedQueryId ? IconBookmark : IconFileCode;
          return (
            <div
              key={tab.id}
              role="tab"
              tabIndex={active ? 0 : -1}
              aria-selected={active}
              className={classes.tab}
              data-active={active || undefined}
              data-dirty={tab.dirty || undefined}
              onClick={() => onSelect(tab.id)}
              onDoubleClick={() => setEditing(tab.id)}
              onAuxClick={(e) => e.button === 1 && onClose(tab.id)}
              onKeyDown={(e) => onKey(e, index)}
              aria-keyshortcuts="Delete"
              title={`${tab.title}${tab.dirty ? " (unsaved changes)" : ""} — double-click to rename, Delete to close`}
            >
              <Icon size={14} stroke={1.7} className={classes.tabIcon} aria-hidden />
              {editing === tab.id ? (
                <input
                  className={classes.tabInput}
                  defaultValue={tab.title}
                  aria-label="Tab name"
                  autoFocus
                  onFocus={(e) => e.currentTarget.select()}
                  onBlur={(e) => finish(tab.id, e.currentTarget.value)}
                  onKeyDown={(e) => {
                    e.stopPropagation();
                    if (e.key === "Enter") finish(tab.id, e.currentTarget.value);
                    if (e.key === "Escape") setEditing(null);
                  }}
                />
              ) : (
                <span className={classes.tabTitle}>{tab.title}</span>
              )}
              {tab.dirty && (
                <span className={classes.tabDirty} role="img" aria-label="Unsaved changes" data-testid="tab-dirty" />
              )}
              {/* Not focusable: a tab may hold no focusable control (axe nested-interactive). The keyboard
                  closes the focused tab with Delete instead (aria-keyshortcuts on the tab). */}
              <span
                role="button"
                className={classes.tabClose}
                aria-label={`Close ${tab.title}`}
                onClick={(e) => {
                  e.stopPropagation();
                  onClose(tab.id);
                }}
              >
                <IconX size={12} aria-hidden />
              </span>
            </div>
          );
        })}
      </div>
      <Tooltip label="New query tab" withArrow>
        <ActionIcon variant="subtle" color="gray" size={28} onClick={onNew} aria-label="New query tab" className={classes.newTab}>
          <IconPlus size={16} />
        </ActionIcon>
      </Tooltip>
    </div>
  );
}
