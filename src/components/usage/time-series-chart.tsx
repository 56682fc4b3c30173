"use client";
import "@mantine/charts/styles.css";
import { LineChart } from "@mantine/charts";
import { Text } from "@mantine/core";
import { useMemo } from "react";

export interface SeriesSpec {
  key: string;
  label: string;
  color: string;
}

const day = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric", timeZone: "UTC" });
/** Recharts calls formatters with undefined too (an empty tooltip): those get no label. */
const dayOf = (v: unknown) => {
  const d = new Date(Number(v));
  return Number.isFinite(d.getTime()) ? day.format(d) : "";
};
const compact = new Intl.NumberFormat(undefined, { notation: "compact", maximumFractionDigits: 1 });

/**
 * Daily measures as lines on a real time axis (points placed by their date, so gaps
 * and uneven spacing read true); a second measure of another scale gets the right axis.
 */
export function TimeSeriesChart({ points, left, right, height = 260, testId }: {
  points: readonly ({ date: string } & Record<string, unknown>)[];
  left: SeriesSpec;
  right?: SeriesSpec;
  height?: number;
  testId?: string;
}) {
  const data = useMemo(
    () => points.map((p) => ({ t: Date.parse(`${p.date}T00:00:00Z`), [left.label]: Number(p[left.key] ?? 0), ...(right ? { [right.label]: Number(p[right.key] ?? 0) } : {}) })),
    [points, left, right],
  );
  if (data.length === 0) return <Text size="sm" c="dimmed">No data in this period.</Text>;
  return (
    <div data-testid={testId}>
      <LineChart
        h={height}
        data={data}
        dataKey="t"
        series={[{ name: left.label, color: left.color }, ...(right ? [{ name: right.label, color: right.color, yAxisId: "right" }] : [])]}
        curveType="monotone"
        withLegend
        withDots={data.length <= 45}
        withRightYAxis={!!right}
        yAxisLabel={left.label}
        rightYAxisLabel={right?.label}
        xAxisProps={{ type: "number", scale: "time", domain: ["dataMin", "dataMax"], tickFormatter: dayOf }}
        yAxisProps={{ tickFormatter: (v: number) => compact.format(v), allowDecimals: false }}
        rightYAxisProps={{ tickFormatter: (v: number) => compact.format(v), allowDecimals: false }}
        tooltipProps={{ labelFormatter: dayOf }}
        valueFormatter={(v) => v.toLocaleString()}
      />
    </div>
  );
}
