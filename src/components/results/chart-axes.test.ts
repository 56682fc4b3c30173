import { describe, expect, it } from "vitest";
import { axisTitles, splitYAxes, timeFormatters, timePoints, timeTickOptions, timeValue, usesTimeAxis } from "./chart-axes";
import type { ChartSpec } from "./chart-suggest";

const line = (x: string, ...ys: string[]): ChartSpec => ({ type: "line", x, ys });

describe("timeValue", () => {
  it("reads dates, months and timestamps as UTC instants", () => {
    expect(timeValue("2024-03-01")).toBe(Date.UTC(2024, 2, 1));
    expect(timeValue("2024-03")).toBe(Date.UTC(2024, 2, 1));
    expect(timeValue("2024-03-01 12:30:00")).toBe(Date.UTC(2024, 2, 1, 12, 30));
    expect(timeValue("2024-03-01T12:30:00+02:00")).toBe(Date.UTC(2024, 2, 1, 10, 30));
    expect(timeValue(new Date(Date.UTC(2020, 0, 1)))).toBe(Date.UTC(2020, 0, 1));
  });

  it("refuses what is not a date", () => {
    expect(timeValue("2024-13-40")).toBeNull();
    expect(timeValue("March")).toBeNull();
    expect(timeValue(20240301)).toBeNull();
    expect(timeValue(null)).toBeNull();
  });
});

describe("usesTimeAxis", () => {
  const rows = [{ day: "2024-01-01", n: 1 }, { day: null, n: 2 }, { day: "2024-01-09", n: 3 }];
  it("puts a line over a date column on a time axis", () => {
    expect(usesTimeAxis(line("day", "n"), new Set(["day"]), rows)).toBe(true);
  });
  it("keeps bars, non-temporal columns and mixed values as categories", () => {
    expect(usesTimeAxis({ type: "bar", x: "day", ys: ["n"] }, new Set(["day"]), rows)).toBe(false);
    expect(usesTimeAxis(line("day", "n"), new Set(), rows)).toBe(false);
    expect(usesTimeAxis(line("day", "n"), new Set(["day"]), [...rows, { day: "soon", n: 4 }])).toBe(false);
    expect(usesTimeAxis(line("day", "n"), new Set(["day"]), [{ day: null, n: 1 }])).toBe(false);
  });
});

describe("timePoints", () => {
  it("spaces points by time, in time order, without undated rows", () => {
    const rows = [{ d: "2024-01-10", v: "3" }, { d: "2024-01-01", v: 1 }, { d: null, v: 9 }, { d: "2024-01-02", v: null }];
    expect(timePoints(rows, line("d", "v"), 100)).toEqual([
      { d: Date.UTC(2024, 0, 1), v: 1 },
      { d: Date.UTC(2024, 0, 2), v: null },
      { d: Date.UTC(2024, 0, 10), v: 3 },
    ]);
  });
});

describe("splitYAxes", () => {
  it("gives a measure far smaller than the other a right axis", () => {
    const rows = [{ m: "a", revenue: 120_000, orders: 40 }, { m: "b", revenue: 90_000, orders: 35 }];
    expect(splitYAxes(line("m", "revenue", "orders"), rows)).toEqual({ left: ["revenue"], right: ["orders"] });
    expect(splitYAxes(line("m", "orders", "revenue"), rows)).toEqual({ left: ["revenue"], right: ["orders"] });
  });

  it("keeps measures of similar scale, a single measure and pies on one axis", () => {
    const rows = [{ m: "a", low: 10, high: 150 }];
    expect(splitYAxes(line("m", "low", "high"), rows)).toEqual({ left: ["low", "high"], right: [] });
    expect(splitYAxes(line("m", "high"), rows)).toEqual({ left: ["high"], right: [] });
    expect(splitYAxes({ type: "pie", x: "m", ys: ["low"] }, rows)).toEqual({ left: ["low"], right: [] });
  });

  it("compares magnitudes, so a large negative measure counts as large", () => {
    const rows = [{ m: "a", loss: -50_000, count: 3 }];
    expect(splitYAxes(line("m", "loss", "count"), rows)).toEqual({ left: ["loss"], right: ["count"] });
  });

  it("leaves an all-empty measure on the left", () => {
    const rows = [{ m: "a", big: 5000, small: 2, none: null }];
    expect(splitYAxes(line("m", "big", "small", "none"), rows)).toEqual({ left: ["big", "none"], right: ["small"] });
  });
});

describe("axisTitles", () => {
  it("names x and what each y axis carries", () => {
    expect(axisTitles(line("month", "revenue", "orders"), { left: ["revenue"], right: ["orders"] })).toEqual({ x: "month", left: "revenue", right: "orders" });
    expect(axisTitles(line("m", "a", "b", "c", "d"), { left: ["a", "b", "c", "d"], right: [] })).toEqual({ x: "m", left: "a, b, c …", right: undefined });
  });
});

describe("time ticks", () => {
  it("pick years, months, days or hours by the span", () => {
    const DAY = 86_400_000;
    expect(timeTickOptions(5 * 365 * DAY)).toEqual({ year: "numeric", timeZone: "UTC" });
    expect(timeTickOptions(200 * DAY)).toMatchObject({ month: "short", year: "numeric" });
    expect(timeTickOptions(10 * DAY)).toMatchObject({ month: "short", day: "numeric" });
    expect(timeTickOptions(DAY / 2)).toMatchObject({ hour: "2-digit" });
  });

  it("format in UTC, with the time in labels only when the points have one", () => {
    const points = [{ d: Date.UTC(2024, 0, 1) }, { d: Date.UTC(2024, 6, 1) }];
    const f = timeFormatters(points, "d", "en-US");
    expect(f.tick(Date.UTC(2024, 0, 1))).toBe("Jan 2024");
    expect(f.label(Date.UTC(2024, 0, 1))).toBe("Jan 1, 2024");
    const withTime = timeFormatters([{ d: Date.UTC(2024, 0, 1, 9, 30) }], "d", "en-US");
    expect(withTime.label(Date.UTC(2024, 0, 1, 9, 30))).toMatch(/Jan 1, 2024.*9:30/);
    // The chart asks for a label before the pointer is over a point.
    expect(f.label(Number(undefined))).toBe("");
    expect(f.tick(Number.NaN)).toBe("");
  });
});
