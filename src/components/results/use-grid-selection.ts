"use client";
import { useCallback, useEffect, useRef, useState, type KeyboardEvent, type MouseEvent } from "react";

export interface Cell {
  r: number;
  c: number;
}

export interface Selection {
  anchor: Cell;
  focus: Cell;
}

export interface Rect {
  r0: number;
  r1: number;
  c0: number;
  c1: number;
}

export function selectionRect(sel: Selection | null): Rect | null {
  if (!sel) return null;
  return {
    r0: Math.min(sel.anchor.r, sel.focus.r),
    r1: Math.max(sel.anchor.r, sel.focus.r),
    c0: Math.min(sel.anchor.c, sel.focus.c),
    c1: Math.max(sel.anchor.c, sel.focus.c),
  };
}

interface Options {
  rows: number;
  cols: number;
  pageRows: () => number;
  ensureVisible: (cell: Cell) => void;
  onCopy: (withHeaders: boolean) => void;
}

function cellFrom(target: EventTarget | null): Cell | null {
  const el = (target as HTMLElement | null)?.closest<HTMLElement>("[data-row]");
  if (!el) return null;
  return { r: Number(el.dataset.row), c: Number(el.dataset.col) };
}

/**
 * Spreadsheet-style selection: click, shift+click or drag for a range, a row number
 * for the whole row, arrows (with shift) to move, Ctrl/Cmd+A and Ctrl/Cmd+C.
 */
export function useGridSelection({ rows, cols, pageRows, ensureVisible, onCopy }: Options) {
  const [selection, setSelection] = useState<Selection | null>(null);
  const dragging = useRef(false);

  useEffect(() => {
    const stop = () => (dragging.current = false);
    window.addEventListener("mouseup", stop);
    return () => window.removeEventListener("mouseup", stop);
  }, []);

  const onMouseDown = useCallback(
    (event: MouseEvent) => {
      if (event.button !== 0) return;
      const cell = cellFrom(event.target);
      if (!cell || cols === 0) return;
      if (cell.c === -1) {
        // The row number selects the whole row.
        setSelection((s) =>
          event.shiftKey && s ? { anchor: { r: s.anchor.r, c: 0 }, focus: { r: cell.r, c: cols - 1 } } : { anchor: { r: cell.r, c: 0 }, focus: { r: cell.r, c: cols - 1 } },
        );
        return;
      }
      dragging.current = true;
      setSelection((s) => (event.shiftKey && s ? { anchor: s.anchor, focus: cell } : { anchor: cell, focus: cell }));
    },
    [cols],
  );

  const onMouseOver = useCallback((event: MouseEvent) => {
    if (!dragging.current) return;
    const cell = cellFrom(event.target);
    if (!cell || cell.c < 0) return;
    setSelection((s) => (s && (s.focus.r !== cell.r || s.focus.c !== cell.c) ? { anchor: s.anchor, focus: cell } : s));
  }, []);

  const onKeyDown = useCallback(
    (event: KeyboardEvent) => {
      const mod = event.ctrlKey || event.metaKey;
      if (mod && event.key.toLowerCase() === "a") {
        event.preventDefault();
        if (rows && cols) setSelection({ anchor: { r: 0, c: 0 }, focus: { r: rows - 1, c: cols - 1 } });
        return;
      }
      if (mod && event.key.toLowerCase() === "c") {
        event.preventDefault();
        onCopy(event.shiftKey);
        return;
      }
      const moves: Record<string, (c: Cell) => Cell> = {
        ArrowUp: (c) => ({ r: c.r - 1, c: c.c }),
        ArrowDown: (c) => ({ r: c.r + 1, c: c.c }),
        ArrowLeft: (c) => ({ r: c.r, c: c.c - 1 }),
        ArrowRight: (c) => ({ r: c.r, c: c.c + 1 }),
        PageUp: (c) => ({ r: c.r - pageRows(), c: c.c }),
        PageDown: (c) => ({ r: c.r + pageRows(), c: c.c }),
        Home: (c) => (mod ? { r: 0, c: 0 } : { r: c.r, c: 0 }),
        End: (c) => (mod ? { r: rows - 1, c: cols - 1 } : { r: c.r, c: cols - 1 }),
      };
      const move = moves[event.key];
      if (!move || rows === 0 || cols === 0) return;
      event.preventDefault();
      setSelection((s) => {
        const from = s?.focus ?? { r: 0, c: 0 };
        const raw = s ? move(from) : from;
        const next = { r: Math.max(0, Math.min(rows - 1, raw.r)), c: Math.max(0, Math.min(cols - 1, raw.c)) };
        ensureVisible(next);
        return event.shiftKey && s ? { anchor: s.anchor, focus: next } : { anchor: next, focus: next };
      });
    },
    [rows, cols, pageRows, ensureVisible, onCopy],
  );

  return { selection, setSelection, onMouseDown, onMouseOver, onKeyDown };
}
