"use client";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { isDirty, parseStoredTabs, tabsStorageKey, type StoredTab, type StoredTabs } from "./tab-storage";

export interface EditorTab {
  id: string;
  title: string;
  /** Set once the tab is saved or opened from Saved queries: Save then adds a version. */
  savedQueryId?: string;
  /** The data source this tab runs against. */
  dataSourceId?: string;
  /** The text the tab is clean at (saved SQL, or "" for a new draft). */
  baseline: string;
  /** Its text differs from `baseline`: closing it asks first. */
  dirty: boolean;
}

const WELCOME_SQL = `-- Ctrl+Enter runs the statement under the cursor (or the selection).
-- Tables and columns complete as you type; the schema is on the left.
SELECT *
FROM customers
LIMIT 100;
`;

const newId = () => Math.random().toString(36).slice(2, 10);

export const modelPath = (tabId: string) => `inmemory://quarry/tab-${tabId}.sql`;

function initial(): StoredTabs {
  const id = newId();
  return { version: 2, tabs: [{ id, title: "Query 1", sql: WELCOME_SQL, baseline: WELCOME_SQL }], activeId: id, counter: 1 };
}

function load(key: string): StoredTabs {
  try {
    return parseStoredTabs(window.localStorage.getItem(key)) ?? initial();
  } catch {
    return initial();
  }
}

const toTab = ({ sql, ...t }: StoredTab): EditorTab => ({ ...t, dirty: isDirty(sql, t.baseline) });

/**
 * The editor's tabs, kept per signed-in user in localStorage. Their text lives in a
 * ref, not in state: typing must not re-render the workbench (and a 10,000-row grid)
 * on every key; only a tab turning dirty or clean does.
 */
export function useEditorTabs(userId: string) {
  const key = tabsStorageKey(userId);
  const [stored] = useState(() => load(key));
  const [tabs, setTabs] = useState<EditorTab[]>(() => stored.tabs.map(toTab));
  const [activeId, setActiveId] = useState(stored.activeId);
  const counter = useRef(stored.counter);
  const sql = useRef<Record<string, string>>(Object.fromEntries(stored.tabs.map((t) => [t.id, t.sql])));
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const latest = useRef({ tabs, activeId });
  useEffect(() => {
    latest.current = { tabs, activeId };
  });

  const flush = useCallback(() => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
    const { tabs: current, activeId: active } = latest.current;
    const value: StoredTabs = {
      version: 2,
      tabs: current.map(({ dirty: _dirty, ...t }) => ({ ...t, sql: sql.current[t.id] ?? "" })),
      activeId: active,
      counter: counter.current,
    };
    try {
      window.localStorage.setItem(key, JSON.stringify(value));
    } catch {
      // Quota or disabled storage: the tabs still work, they just do not survive a reload.
    }
  }, [key]);

  const schedule = useCallback(() => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(flush, 300);
  }, [flush]);

  useEffect(() => {
    schedule();
  }, [tabs, activeId, schedule]);

  useEffect(() => {
    window.addEventListener("pagehide", flush);
    return () => {
      window.removeEventListener("pagehide", flush);
      flush();
    };
  }, [flush]);

  const setSql = useCallback(
    (id: string, text: string) => {
      sql.current[id] = text;
      const tab = latest.current.tabs.find((t) => t.id === id);
      if (tab && tab.dirty !== isDirty(text, tab.baseline)) {
        setTabs((current) => current.map((t) => (t.id === id ? { ...t, dirty: isDirty(text, t.baseline) } : t)));
      }
      schedule();
    },
    [schedule],
  );

  const open = useCallback((init: { title?: string; sql: string; savedQueryId?: string; dataSourceId?: string }) => {
    const id = newId();
    counter.current += 1;
    sql.current[id] = init.sql;
    const title = init.title ?? `Query ${counter.current}`;
    const baseline = init.savedQueryId ? init.sql : "";
    const tab: EditorTab = { id, title, savedQueryId: init.savedQueryId, dataSourceId: init.dataSourceId, baseline, dirty: isDirty(init.sql, baseline) };
    setTabs((current) => [...current, tab]);
    setActiveId(id);
    return id;
  }, []);

  const close = useCallback((id: string) => {
    const current = latest.current.tabs;
    const index = current.findIndex((t) => t.id === id);
    if (index === -1) return;
    delete sql.current[id];
    if (current.length === 1) {
      const fresh = newId();
      counter.current += 1;
      sql.current[fresh] = "";
      setTabs([{ id: fresh, title: `Query ${counter.current}`, dataSourceId: current[0]!.dataSourceId, baseline: "", dirty: false }]);
      setActiveId(fresh);
      return;
    }
    const rest = current.filter((t) => t.id !== id);
    setTabs(rest);
    if (latest.current.activeId === id) setActiveId(rest[Math.min(index, rest.length - 1)]!.id);
  }, []);

  const update = useCallback((id: string, patch: Partial<Pick<EditorTab, "title" | "savedQueryId" | "dataSourceId">>) => {
    setTabs((current) => current.map((t) => (t.id === id ? { ...t, ...patch } : t)));
  }, []);

  /** The tab was saved with `savedSql`: it is clean until its text changes again. */
  const markSaved = useCallback((id: string, saved: { title: string; savedQueryId: string; sql: string }) => {
    setTabs((current) =>
      current.map((t) =>
        t.id === id
          ? { ...t, title: saved.title, savedQueryId: saved.savedQueryId, baseline: saved.sql, dirty: isDirty(sql.current[id] ?? "", saved.sql) }
          : t,
      ),
    );
  }, []);

  const activeTab = useMemo(() => tabs.find((t) => t.id === activeId) ?? tabs[0]!, [tabs, activeId]);
  const sqlOf = useCallback((id: string) => sql.current[id] ?? "", []);

  return useMemo(
    () => ({ tabs, activeTab, select: setActiveId, open, close, update, markSaved, setSql, sqlOf }),
    [tabs, activeTab, open, close, update, markSaved, setSql, sqlOf],
  );
}
