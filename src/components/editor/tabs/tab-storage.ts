/**
 * The editor's open tabs as kept in localStorage, one entry per signed-in user. Pure:
 * parsing never throws, and anything it does not recognise (an older format, a
 * hand-edited or truncated value) is dropped rather than trusted.
 */

export interface StoredTab {
  id: string;
  title: string;
  sql: string;
  /** The text the tab is clean at: the saved query's SQL, or "" for a new draft. */
  baseline: string;
  savedQueryId?: string;
  dataSourceId?: string;
}

export interface StoredTabs {
  version: 2;
  tabs: StoredTab[];
  activeId: string;
  counter: number;
}

export const TABS_STORAGE_PREFIX = "quarry.editor.tabs.v2:";

export const tabsStorageKey = (userId: string) => `${TABS_STORAGE_PREFIX}${userId}`;

const MAX_TABS = 50;
const MAX_SQL = 200_000;

const str = (v: unknown, max: number): v is string => typeof v === "string" && v.length <= max;

function parseTab(value: unknown): StoredTab | null {
  if (!value || typeof value !== "object") return null;
  const t = value as Record<string, unknown>;
  if (!str(t.id, 64) || !t.id || !str(t.title, 200) || !str(t.sql, MAX_SQL)) return null;
  const tab: StoredTab = { id: t.id, title: t.title.trim() || "Query", sql: t.sql, baseline: str(t.baseline, MAX_SQL) ? t.baseline : "" };
  if (str(t.savedQueryId, 64) && t.savedQueryId) tab.savedQueryId = t.savedQueryId;
  if (str(t.dataSourceId, 64) && t.dataSourceId) tab.dataSourceId = t.dataSourceId;
  return tab;
}

/** The stored tabs, or null when there are none usable (missing, corrupt, old format). */
export function parseStoredTabs(raw: string | null): StoredTabs | null {
  if (raw === null) return null;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return null;
  }
  if (!value || typeof value !== "object") return null;
  const v = value as Record<string, unknown>;
  if (v.version !== 2 || !Array.isArray(v.tabs)) return null;
  const seen = new Set<string>();
  const tabs: StoredTab[] = [];
  for (const item of v.tabs.slice(0, MAX_TABS)) {
    const tab = parseTab(item);
    if (!tab || seen.has(tab.id)) continue;
    seen.add(tab.id);
    tabs.push(tab);
  }
  if (tabs.length === 0) return null;
  const activeId = typeof v.activeId === "string" && seen.has(v.activeId) ? v.activeId : tabs[0]!.id;
  const counter = typeof v.counter === "number" && Number.isInteger(v.counter) && v.counter >= 0 ? Math.min(v.counter, 1_000_000) : tabs.length;
  return { version: 2, tabs, activeId, counter };
}

/** Unsaved work: a saved query's tab whose text changed, or a new draft with any text. */
export function isDirty(sql: string, baseline: string): boolean {
  return baseline === "" ? sql.trim() !== "" : sql !== baseline;
}
