"use client";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { readStored, STORAGE_KEYS, writeStored } from "../storage";

export interface EditorTab {
  id: string;
  title: string;
  /** Set once the tab is saved or opened from Saved queries: Save then adds a version. */
  savedQueryId?: string;
}

interface Stored {
  tabs: (EditorTab & { sql: string })[];
  activeId: string;
  counter: number;
}

const WELCOME_SQL = `-- Ctrl+Enter runs the statement under the cursor (or the selection).
-- Tables and columns complete as you type; the schema is on the left.
SELECT *
FROM customers
LIMIT 100;
`;

function isStored(value: unknown): value is Stored {
  const v = value as Stored;
  return (
    !!v &&
    Array.isArray(v.tabs) &&
    v.tabs.length > 0 &&
    v.tabs.every((t) => typeof t?.id === "string" && typeof t.title === "string" && typeof t.sql === "string") &&
    typeof v.activeId === "string" &&
    typeof v.counter === "number"
  );
}

const newId = () => Math.random().toString(36).slice(2, 10);

export const modelPath = (tabId: string) => `inmemory://quarry/tab-${tabId}.sql`;

function initial(): Stored {
  const id = newId();
  return { tabs: [{ id, title: "Query 1", sql: WELCOME_SQL }], activeId: id, counter: 1 };
}

/**
 * The editor's tabs. Their text lives in a ref, not in state: typing must not
 * re-render the workbench (and a 10,000-row grid) on every key.
 */
export function useEditorTabs() {
  const [stored] = useState(() => readStored(STORAGE_KEYS.tabs, initial(), isStored));
  const [tabs, setTabs] = useState<EditorTab[]>(() => stored.tabs.map(({ sql: _sql, ...tab }) => tab));
  const [activeId, setActiveId] = useState(() =>
    stored.tabs.some((t) => t.id === stored.activeId) ? stored.activeId : stored.tabs[0]!.id,
  );
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
    writeStored(STORAGE_KEYS.tabs, {
      tabs: current.map((t) => ({ ...t, sql: sql.current[t.id] ?? "" })),
      activeId: active,
      counter: counter.current,
    } satisfies Stored);
  }, []);

  const schedule = useCallback(() => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(flush, 400);
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
      schedule();
    },
    [schedule],
  );

  const open = useCallback((init: { title?: string; sql: string; savedQueryId?: string }) => {
    const id = newId();
    counter.current += 1;
    sql.current[id] = init.sql;
    const title = init.title ?? `Query ${counter.current}`;
    setTabs((current) => [...current, { id, title, savedQueryId: init.savedQueryId }]);
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
      setTabs([{ id: fresh, title: `Query ${counter.current}` }]);
      setActiveId(fresh);
      return;
    }
    const rest = current.filter((t) => t.id !== id);
    setTabs(rest);
    if (latest.current.activeId === id) setActiveId(rest[Math.min(index, rest.length - 1)]!.id);
  }, []);

  const update = useCallback((id: string, patch: Partial<Omit<EditorTab, "id">>) => {
    setTabs((current) => current.map((t) => (t.id === id ? { ...t, ...patch } : t)));
  }, []);

  const activeTab = useMemo(() => tabs.find((t) => t.id === activeId) ?? tabs[0]!, [tabs, activeId]);
  const sqlOf = useCallback((id: string) => sql.current[id] ?? "", []);

  return useMemo(
    () => ({ tabs, activeTab, select: setActiveId, open, close, update, setSql, sqlOf }),
    [tabs, activeTab, open, close, update, setSql, sqlOf],
  );
}
