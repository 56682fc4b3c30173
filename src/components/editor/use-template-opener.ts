"use client";
import { notifications } from "@mantine/notifications";
import { useEffect, useRef } from "react";
import { useTRPCClient } from "@/lib/trpc";
import { errorInfo } from "@/components/ui/feedback";
import type { useEditorTabs } from "./tabs/use-editor-tabs";

/**
 * `/editor?template=<id>` (the Templates page's "Open in editor"): opens the template in a
 * new tab once and fills the parameter bar with its defaults. The query string is then
 * dropped, so a reload does not open it again.
 */
export function useTemplateOpener(tabs: ReturnType<typeof useEditorTabs>, setDefaults: (values: Record<string, string>) => void) {
  const client = useTRPCClient();
  const done = useRef(false);
  const latest = useRef({ tabs, setDefaults });
  latest.current = { tabs, setDefaults };

  useEffect(() => {
    if (done.current) return;
    done.current = true;
    const url = new URL(window.location.href);
    const id = url.searchParams.get("template");
    if (!id) return;
    url.searchParams.delete("template");
    window.history.replaceState(null, "", url.pathname + url.search + url.hash);
    client.templates.get
      .query({ id })
      .then((t) => {
        latest.current.tabs.open({ title: t.title, sql: t.sql });
        latest.current.setDefaults(
          Object.fromEntries(t.parameters.filter((p) => p.default !== undefined && p.default !== null).map((p) => [p.name, String(p.default)])),
        );
      })
      .catch((error: unknown) => notifications.show({ color: "red", title: "Template unavailable", message: errorInfo(error).message }));
  }, [client]);
}
