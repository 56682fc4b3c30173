"use client";
import {
  IconBraces,
  IconCalendar,
  IconHash,
  IconLetterCase,
  IconSortAscending,
  IconSortDescending,
  IconToggleLeft,
  IconQuestionMark,
  IconBinary,
} from "@tabler/icons-react";
import { memo, useRef, type PointerEvent } from "react";
import type { SortState } from "./grid-format";
import classes from "./results-grid.module.css";
import type { ResultColumn } from "./types";

const KIND_ICONS = {
  number: IconHash,
  string: IconLetterCase,
  date: IconCalendar,
  boolean: IconToggleLeft,
  json: IconBraces,
  binary: IconBinary,
  unknown: IconQuestionMark,
} as const;

interface GridHeaderProps {
  columns: readonly ResultColumn[];
  widths: readonly number[];
  rowNumberWidth: number;
  sort: SortState;
  onSort: (column: number) => void;
  onResize: (column: number, width: number) => void;
}

/** Sticky header: name, type hint, click to sort, drag an edge to resize. */
export const GridHeader = memo(function GridHeader({ columns, widths, rowNumberWidth, sort, onSort, onResize }: GridHeaderProps) {
  const drag = useRef<{ column: number; startX: number; startWidth: number; moved: boolean } | null>(null);

  const startResize = (event: PointerEvent<HTMLDivElement>, column: number) => {
    event.stopPropagation();
    event.currentTarget.setPointerCapture(event.pointerId);
    event.currentTarget.dataset.active = "";
    drag.current = { column, startX: event.clientX, startWidth: widths[column] ?? 120, moved: false };
  };
  const moveResize = (event: PointerEvent<HTMLDivElement>) => {
    const d = drag.current;
    if (!d) return;
    d.moved = true;
    onResize(d.column, Math.max(60, Math.min(1200, d.startWidth + event.clientX - d.startX)));
  };
  const endResize = (event: PointerEvent<HTMLDivElement>) => {
    delete event.currentTarget.dataset.active;
    drag.current = null;
  };

  return (
    <div className={classes.header} role="row" aria-rowindex={1}>
      <div className={classes.rowNumber} style={{ width: rowNumberWidth }} role="columnheader" aria-label="Row number">
        #
      </div>
      {columns.map((column, i) => {
        const Icon = KIND_ICONS[column.kind] ?? IconQuestionMark;
        const sorted = sort?.column === i ? sort.direction : null;
        return (
          <div
            key={`${i}:${column.name}`}
            className={classes.headerCell}
            style={{ width: widths[i] }}
            role="columnheader"
            aria-colindex={i + 2}
            aria-sort={sorted === "asc" ? "ascending" : sorted === "desc" ? "descending" : "none"}
            title={`${column.name} · ${column.type || column.kind} — click to sort the rows shown (in the browser)`}
            onClick={() => onSort(i)}
          >
            <Icon size={14} stroke={1.8} className={classes.kindIcon} aria-hidden />
            <span className={classes.headerText}>
              <span className={classes.headerName}>{column.name}</span>
              <span className={classes.headerType}>{column.type || column.kind}</span>
            </span>
            {sorted === "asc" && <IconSortAscending size={15} className={classes.sortIcon} aria-hidden />}
            {sorted === "desc" && <IconSortDescending size={15} className={classes.sortIcon} aria-hidden />}
            <div
              className={classes.resizer}
              role="separator"
              aria-orientation="vertical"
              aria-label={`Resize ${column.name}`}
              onPointerDown={(e) => startResize(e, i)}
              onPointerMove={moveResize}
              onPointerUp={endResize}
              onPointerCancel={endResize}
              onClick={(e) => e.stopPropagation()}
              onDoubleClick={(e) => {
                e.stopPropagation();
                onResize(i, -1);
              }}
            />
          </div>
        );
      })}
    </div>
  );
});
