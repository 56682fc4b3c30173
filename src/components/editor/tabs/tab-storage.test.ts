import { describe, expect, it } from "vitest";
import { isDirty, parseStoredTabs, tabsStorageKey } from "./tab-storage";

const good = {
  version: 2,
  tabs: [
    { id: "a1", title: "Orders", sql: "SELECT 1", baseline: "SELECT 1", savedQueryId: "sq1", dataSourceId: "ds1" },
    { id: "b2", title: "Draft", sql: "SELECT 2", baseline: "" },
  ],
  activeId: "b2",
  counter: 4,
};

describe("parseStoredTabs", () => {
  it("reads back what the editor wrote", () => {
    expect(parseStoredTabs(JSON.stringify(good))).toEqual(good);
  });

  it.each([
    ["nothing stored", null],
    ["not JSON", "{tabs: ["],
    ["truncated JSON", JSON.stringify(good).slice(0, 40)],
    ["a number", "42"],
    ["null", "null"],
    ["the v1 format (no version)", JSON.stringify({ tabs: [{ id: "x", title: "Q", sql: "" }], activeId: "x", counter: 1 })],
    ["a future version", JSON.stringify({ ...good, version: 3 })],
    ["tabs not a list", JSON.stringify({ ...good, tabs: "a1" })],
    ["no usable tab", JSON.stringify({ ...good, tabs: [{ id: 5 }, null, "x"] })],
  ])("ignores %s", (_what, raw) => {
    expect(parseStoredTabs(raw)).toBeNull();
  });

  it("drops broken and duplicate tabs but keeps the rest", () => {
    const raw = JSON.stringify({ ...good, tabs: [good.tabs[0], { id: "c3", title: 7, sql: "" }, { ...good.tabs[0], title: "Copy" }, good.tabs[1]] });
    const parsed = parseStoredTabs(raw);
    expect(parsed?.tabs.map((t) => t.id)).toEqual(["a1", "b2"]);
    expect(parsed?.tabs[0]?.title).toBe("Orders");
  });

  it("falls back to the first tab when the active one is gone, and repairs a bad counter", () => {
    const parsed = parseStoredTabs(JSON.stringify({ ...good, activeId: "zz", counter: "x" }));
    expect(parsed?.activeId).toBe("a1");
    expect(parsed?.counter).toBe(2);
  });

  it("treats a missing baseline as a new draft and drops ids of the wrong type", () => {
    const parsed = parseStoredTabs(JSON.stringify({ ...good, tabs: [{ id: "a1", title: "T", sql: "x", savedQueryId: 3, dataSourceId: null }] }));
    expect(parsed?.tabs[0]).toEqual({ id: "a1", title: "T", sql: "x", baseline: "" });
  });

  it("keeps storage apart per user", () => {
    expect(tabsStorageKey("u1")).not.toBe(tabsStorageKey("u2"));
  });
});

describe("isDirty", () => {
  it("a new draft is dirty once it has text", () => {
    expect(isDirty("", "")).toBe(false);
    expect(isDirty("  \n", "")).toBe(false);
    expect(isDirty("SELECT 1", "")).toBe(true);
  });

  it("a saved tab is dirty when its text differs from what was saved", () => {
    expect(isDirty("SELECT 1", "SELECT 1")).toBe(false);
    expect(isDirty("SELECT 1 ", "SELECT 1")).toBe(true);
    expect(isDirty("", "SELECT 1")).toBe(true);
  });
});
