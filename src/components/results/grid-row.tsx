"use client";
import { memo } from "react";
import { displayValue } from "./grid-format";
import classes from "./results-grid.module.css";
import type { ResultColumn, ResultRow } from "./types";

interface GridRowProps {
  /** Position in display (sorted) order, 0-based. */
  index: number;
  top: number;
  row: ResultRow;
  columns: readonly ResultColumn[];
  widths: readonly number[];
  rowNumberWidth: number;
  width: number;
  /** Selected columns in this row, inclusive, or null. */
  selFrom: number | null;
  selTo: number | null;
  focusColumn: number | null;
}

function Value({ value }: { value: unknown }) {
  if (value === null || value === undefined) return <span className={classes.null}>NULL</span>;
  if (typeof value === "boolean") return <span className={value ? classes.boolTrue : classes.boolFalse}>{String(value)}</span>;
  return <>{displayValue(value)}</>;
}

/** One virtual row; memoised so scrolling and selecting re-render only what changed. */
export const GridRow = memo(function GridRow(props: GridRowProps) {
  const { index, top, row, columns, widths, rowNumberWidth, width, selFrom, selTo, focusColumn } = props;
  return (
    <div
      className={classes.row}
      style={{ transform: `translateY(${top}px)`, width }}
      role="row"
      aria-rowindex={index + 2}
      data-striped={index % 2 === 1 ? "" : undefined}
    >
      <div className={classes.rowNumber} style={{ width: rowNumberWidth }} data-row={index} data-col={-1} role="rowheader">
        {index + 1}
      </div>
      {columns.map((column, c) => {
        const value = row[column.name];
        const selected = selFrom !== null && selTo !== null && c >= selFrom && c <= selTo;
        return (
          <div
            key={c}
            className={classes.cell}
            style={{ width: widths[c] }}
            role="gridcell"
            aria-colindex={c + 2}
            aria-selected={selected}
            data-row={index}
            data-col={c}
            data-numeric={column.kind === "number" ? "" : undefined}
            data-selected={selected ? "" : undefined}
            data-focused={focusColumn === c ? "" : undefined}
            title={typeof value === "string" && value.length > 40 ? value.slice(0, 2000) : undefined}
          >
            <Value value={value} />
          </div>
        );
      })}
    </div>
  );
});
