"use client";
import { useEffect, useRef } from "react";

/** Ctrl+S / Cmd+S (no Shift or Alt), as the keyboard reports it. */
export function isSaveShortcut(e: Pick<KeyboardEvent, "key" | "ctrlKey" | "metaKey" | "shiftKey" | "altKey">): boolean {
  return (e.ctrlKey || e.metaKey) && !e.shiftKey && !e.altKey && e.key.toLowerCase() === "s";
}

/**
 * Ctrl/Cmd+S anywhere on the page: Monaco, an input, the grid or nothing focused. Caught
 * on the way down (capture), so no widget sees it first and the browser never opens
 * its "Save page" dialog.
 */
export function useSaveShortcut(save: () => void): void {
  const latest = useRef(save);
  useEffect(() => {
    latest.current = save;
  });
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!isSaveShortcut(e)) return;
      e.preventDefault();
      e.stopPropagation();
      if (!e.repeat) latest.current();
    };
    window.addEventListener("keydown", onKey, { capture: true });
    return () => window.removeEventListener("keydown", onKey, { capture: true });
  }, []);
}
