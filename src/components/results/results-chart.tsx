"use client";
import "@mantine/charts/styles.css";
import { BarChart, LineChart, PieChart } from "@mantine/charts";
import { Box, EmptyState, Stack } from "@mantine/core";
import { IconChartDots3 } from "@tabler/icons-react";
import { useEffect, useMemo, useState } from "react";
import { axisTitles, splitYAxes, timeFormatters, timePoints, usesTimeAxis } from "./chart-axes";
import { ChartControls } from "./chart-controls";
import { chartableColumns, chartData, pieData, suggestChart, type ChartSpec } from "./chart-suggest";
import type { ResultColumn, ResultRow } from "./types";

const COLORS = ["quarry.6", "blue.6", "grape.6", "orange.6", "pink.6", "yellow.6", "indigo.6", "lime.6", "red.6", "cyan.6", "violet.6", "gray.6"];
/** More points than this read as noise in a browser chart; the grid has the rest. */
const MAX_POINTS = { bar: 200, line: 2000, pie: 12 } as const;

const compact = new Intl.NumberFormat(undefined, { notation: "compact", maximumFractionDigits: 1 });
const full = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });

interface ResultsChartProps {
  columns: readonly ResultColumn[];
  rows: readonly ResultRow[];
  /** A chart type asked for (the chat's "as a pie chart"); the suggestion's columns stay. */
  preferred?: ChartSpec["type"];
  /** A chart chosen before (a saved query's): used while its columns are in the result. */
  initial?: ChartSpec | null;
  /** Told the chart shown, so it can be saved with the query. */
  onSpecChange?: (spec: ChartSpec) => void;
}

/** A chart of the result, starting from the best guess for its column kinds. */
export default function ResultsChart({ columns, rows, preferred, initial, onSpecChange }: ResultsChartProps) {
  const suggested = useMemo(() => {
    const s = suggestChart(columns, rows);
    return s && preferred && preferred !== s.type ? { ...s, type: preferred } : s;
  }, [columns, rows, preferred]);
  const options = useMemo(() => chartableColumns(columns, rows), [columns, rows]);
  const [chosen, setChosen] = useState<ChartSpec | null>(null);
  const restored = useMemo(() => {
    if (!initial) return null;
    const names = new Set(columns.map((c) => c.name));
    return names.has(initial.x) && initial.ys.length > 0 && initial.ys.every((y) => options.measures.includes(y)) ? initial : null;
  }, [initial, columns, options]);
  const spec = chosen ?? restored ?? suggested;
  useEffect(() => {
    if (spec) onSpecChange?.(spec);
  }, [spec, onSpecChange]);
  const axes = useMemo(() => (spec ? splitYAxes(spec, rows) : { left: [], right: [] }), [spec, rows]);
  const timeAxis = useMemo(() => (spec ? usesTimeAxis(spec, options.temporal, rows) : false), [spec, options, rows]);
  const points = useMemo(
    () => (!spec || spec.type === "pie" ? [] : timeAxis ? timePoints(rows, spec, MAX_POINTS[spec.type]) : chartData(rows, spec, MAX_POINTS[spec.type])),
    [spec, rows, timeAxis],
  );
  const time = useMemo(() => (spec && timeAxis ? timeFormatters(points, spec.x) : null), [spec, timeAxis, points]);

  if (!spec) {
    return (
      <EmptyState
        h="100%"
        icon={<IconChartDots3 size={26} stroke={1.6} />}
        variant="light"
        title="Nothing to chart yet"
        description={
          rows.length === 0
            ? "The result has no rows."
            : "Charts need a numeric column that is not a key: try an aggregate, e.g. SELECT country, count(*) … GROUP BY country."
        }
      />
    );
  }

  const limit = MAX_POINTS[spec.type];
  const right = new Set(axes.right);
  const series = spec.ys.map((name, i) => ({ name, color: COLORS[i % COLORS.length]!, ...(right.has(name) ? { yAxisId: "right" } : {}) }));
  const titles = axisTitles(spec, axes);
  // Axis titles, and a right axis for measures far smaller than the others (bar and line alike).
  const axisProps = {
    xAxisLabel: titles.x,
    yAxisLabel: titles.left,
    withRightYAxis: titles.right !== undefined,
    rightYAxisLabel: titles.right,
    rightYAxisProps: { tickFormatter: (v: number) => compact.format(v), width: 70 },
    yAxisProps: { width: 70 },
  };
  const xOptions = spec.type === "pie" ? options.dimensions : [...options.dimensions, ...options.measures];
  const shown = Math.min(rows.length, limit);
  const note =
    spec.type === "pie"
      ? rows.length > limit
        ? `Top ${limit - 1} slices, the rest as “Other”`
        : undefined
      : rows.length > limit
        ? `First ${limit.toLocaleString()} of ${rows.length.toLocaleString()} rows`
        : `${shown.toLocaleString()} points`;

  return (
    <Stack h="100%" gap="sm" p="sm" data-testid="results-chart">
      <ChartControls
        spec={spec}
        xOptions={xOptions.length ? xOptions : [spec.x]}
        yOptions={options.measures}
        onChange={setChosen}
        note={note}
      />
      <Box style={{ flex: 1, minHeight: 0 }} data-testid="chart-area" data-time-axis={timeAxis} data-right-axis={axes.right.join(",")}>
        {spec.type === "pie" ? (
          <PieChart
            h="100%"
            data={pieData(rows, spec.x, spec.ys[0]!).map((s, i) => ({ ...s, color: COLORS[i % COLORS.length]! }))}
            withLabelsLine
            labelsPosition="outside"
            labelsType="percent"
            withLabels
            withTooltip
            tooltipDataSource="segment"
            size={240}
            valueFormatter={(v) => full.format(v)}
          />
        ) : spec.type === "line" ? (
          <LineChart
            h="100%"
            data={points}
            dataKey={spec.x}
            series={series}
            curveType="monotone"
            withDots={shown <= 60}
            withLegend={series.length > 1}
            valueFormatter={(v) => compact.format(v)}
            {...axisProps}
            tooltipProps={{ isAnimationActive: false, ...(time ? { labelFormatter: (label: unknown) => time.label(Number(label)) } : {}) }}
            // A time axis places each point at its instant, so gaps in the data show as gaps.
            xAxisProps={
              time
                ? { type: "number", scale: "time", domain: ["dataMin", "dataMax"], tickFormatter: (v: number) => time.tick(v), minTickGap: 40 }
                : { minTickGap: 24 }
            }
          />
        ) : (
          <BarChart
            h="100%"
            data={points}
            dataKey={spec.x}
            series={series}
            withLegend={series.length > 1}
            valueFormatter={(v) => compact.format(v)}
            {...axisProps}
            tooltipProps={{ isAnimationActive: false }}
            xAxisProps={{ interval: shown > 30 ? "preserveStartEnd" : 0, angle: shown > 12 ? -35 : 0, textAnchor: shown > 12 ? "end" : "middle", height: shown > 12 ? 70 : 30 }}
            maxBarWidth={48}
          />
        )}
      </Box>
    </Stack>
  );
}
