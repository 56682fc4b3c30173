"use client";
import { useEffect, useRef } from "react";
import type { useEditorTabs } from "./tabs/use-editor-tabs";

/**
 * `/editor?sql=<text>&source=<id>` (the chat's "Open in editor"): opens the SQL in a new
 * tab once, on that data source. The query string is then dropped, so a reload does not
 * open it again.
 */
export function useSqlOpener(tabs: ReturnType<typeof useEditorTabs>, chooseSource: (id: string) => void) {
  const done = useRef(false);
  const latest = useRef({ tabs, chooseSource });
  latest.current = { tabs, chooseSource };

  useEffect(() => {
    if (done.current) return;
    done.current = true;
    const url = new URL(window.location.href);
    const sql = url.searchParams.get("sql");
    if (!sql) return;
    const source = url.searchParams.get("source");
    url.searchParams.delete("sql");
    url.searchParams.delete("source");
    window.history.replaceState(null, "", url.pathname + url.search + url.hash);
    if (source) latest.current.chooseSource(source);
    latest.current.tabs.open({ title: "From chat", sql: sql.slice(0, 200_000), dataSourceId: source ?? undefined });
  }, []);
}
