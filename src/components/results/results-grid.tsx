"use client";
import { useVirtualizer } from "@tanstack/react-virtual";
import { memo, useCallback, useImperativeHandle, useMemo, useRef, useState, type Ref } from "react";
import { copyText } from "@/components/ui/clipboard";
import { GridHeader } from "./grid-header";
import { initialWidths, nextSort, sortedOrder, toClipboardText, toTsv, type SortState } from "./grid-format";
import { GridRow } from "./grid-row";
import classes from "./results-grid.module.css";
import type { ResultColumn, ResultRow } from "./types";
import { selectionRect, useGridSelection, type Cell } from "./use-grid-selection";

export type CopyScope = "cell" | "selection" | "selection-with-headers" | "all";

export interface ResultsGridHandle {
  /** Copies as TSV; resolves to the number of rows copied. */
  copy: (scope: CopyScope) => Promise<number>;
  hasSelection: () => boolean;
}

interface ResultsGridProps {
  columns: readonly ResultColumn[];
  rows: readonly ResultRow[];
  label?: string;
  /**
   * The rows shown are not the whole result (the server capped it): a column sort here
   * orders only these rows, and the grid says so instead of implying a true order.
   */
  partial?: boolean;
  onCopied?: (rows: number, scope: CopyScope) => void;
  onCopyFailed?: (error: unknown) => void;
  ref?: Ref<ResultsGridHandle>;
}

const ROW_HEIGHT = 30;
const HEADER_HEIGHT = 44;

/**
 * The result grid shared by the editor, share pages and (later) chat and pipelines: rows are
 * virtualised (only what is on screen is in the DOM), so
 * 10,000 rows scroll as smoothly as ten. Sorting is client-side over an index array, and
 * says so: a sorted grid shows which rows it ordered (all of them, or only those fetched).
 */
export const ResultsGrid = memo(function ResultsGrid({ columns, rows, label, partial = false, onCopied, onCopyFailed, ref }: ResultsGridProps) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const [sort, setSort] = useState<SortState>(null);
  const [widths, setWidths] = useState(() => initialWidths(columns, rows));
  const order = useMemo(() => sortedOrder(rows, columns, sort), [rows, columns, sort]);
  const rowNumberWidth = Math.max(44, String(rows.length).length * 8 + 22);
  const totalWidth = rowNumberWidth + widths.reduce((a, b) => a + b, 0);

  const virtualizer = useVirtualizer({
    count: order.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    scrollPaddingStart: HEADER_HEIGHT,
  });

  const ensureVisible = useCallback(
    (cell: Cell) => {
      virtualizer.scrollToIndex(cell.r, { align: "auto" });
      const el = scrollRef.current;
      if (!el) return;
      const left = rowNumberWidth + widths.slice(0, cell.c).reduce((a, b) => a + b, 0);
      const right = left + (widths[cell.c] ?? 0);
      if (left - rowNumberWidth < el.scrollLeft) el.scrollLeft = left - rowNumberWidth;
      else if (right > el.scrollLeft + el.clientWidth) el.scrollLeft = right - el.clientWidth;
    },
    [virtualizer, rowNumberWidth, widths],
  );

  const copyRef = useRef<(scope: CopyScope) => Promise<number>>(async () => 0);
  const grid = useGridSelection({
    rows: order.length,
    cols: columns.length,
    pageRows: () => Math.max(1, Math.floor(((scrollRef.current?.clientHeight ?? 300) - HEADER_HEIGHT) / ROW_HEIGHT) - 1),
    ensureVisible,
    onCopy: (withHeaders) => void copyRef.current(withHeaders ? "selection-with-headers" : "selection"),
  });
  const rect = selectionRect(grid.selection);

  copyRef.current = async (scope) => {
    let text: string;
    let count: number;
    if (scope === "all" || !rect) {
      text = toTsv(columns, order.map((i) => rows[i]!), true);
      count = order.length;
    } else if (scope === "cell") {
      const focus = grid.selection!.focus;
      text = toClipboardText(rows[order[focus.r]!]![columns[focus.c]!.name]);
      count = 1;
    } else {
      const picked = order.slice(rect.r0, rect.r1 + 1).map((i) => rows[i]!);
      text = toTsv(columns.slice(rect.c0, rect.c1 + 1), picked, scope === "selection-with-headers");
      count = picked.length;
    }
    try {
      await copyText(text);
      onCopied?.(count, scope);
    } catch (error) {
      onCopyFailed?.(error);
    }
    return count;
  };

  useImperativeHandle(ref, () => ({ copy: (scope) => copyRef.current(scope), hasSelection: () => grid.selection !== null }), [grid.selection]);

  const onSort = useCallback((column: number) => setSort((s) => nextSort(s, column)), []);
  const onResize = useCallback(
    (column: number, width: number) =>
      setWidths((w) => w.map((old, i) => (i !== column ? old : width < 0 ? initialWidths([columns[i]!], rows)[0]! : width))),
    [columns, rows],
  );

  const sortedColumn = sort ? columns[sort.column]?.name : undefined;
  return (
    <div className={classes.frame}>
      {sortedColumn && (
        <div className={classes.sortNotice} role="status" data-testid="local-sort-notice" data-partial={partial ? "" : undefined}>
          {partial
            ? `Sorted by ${sortedColumn} in the browser: only the ${rows.length.toLocaleString()} rows fetched are in order, not the whole result. Add ORDER BY ${sortedColumn}${sort!.direction === "desc" ? " DESC" : ""} to the query to sort every row on the server.`
            : `Sorted by ${sortedColumn} in the browser (all ${rows.length.toLocaleString()} rows of the result).`}
        </div>
      )}
    <div
      ref={scrollRef}
      className={classes.viewport}
      tabIndex={0}
      role="grid"
      aria-label={label ?? "Query results"}
      aria-rowcount={rows.length + 1}
      aria-colcount={columns.length + 1}
      aria-multiselectable
      data-testid="results-grid"
      onKeyDown={grid.onKeyDown}
      onMouseDown={grid.onMouseDown}
      onMouseOver={grid.onMouseOver}
    >
      <div className={classes.canvas} style={{ width: totalWidth, height: HEADER_HEIGHT + virtualizer.getTotalSize() }}>
        <GridHeader
          columns={columns}
          widths={widths}
          rowNumberWidth={rowNumberWidth}
          sort={sort}
          onSort={onSort}
          onResize={onResize}
        />
        {virtualizer.getVirtualItems().map((item) => {
          const inRange = rect !== null && item.index >= rect.r0 && item.index <= rect.r1;
          return (
            <GridRow
              key={item.key}
              index={item.index}
              top={HEADER_HEIGHT + item.start}
              row={rows[order[item.index]!]!}
              columns={columns}
              widths={widths}
              rowNumberWidth={rowNumberWidth}
              width={totalWidth}
              selFrom={inRange ? rect.c0 : null}
              selTo={inRange ? rect.c1 : null}
              focusColumn={grid.selection?.focus.r === item.index ? grid.selection.focus.c : null}
            />
          );
        })}
        {rows.length === 0 && <div className={classes.empty}>The query returned no rows.</div>}
      </div>
    </div>
    </div>
  );
});
