/** localStorage that never throws (private mode, quota, disabled storage). */
export function readStored<T>(key: string, fallback: T, valid: (value: unknown) => value is T): T {
  try {
    const raw = window.localStorage.getItem(key);
    if (raw === null) return fallback;
    const parsed: unknown = JSON.parse(raw);
    return valid(parsed) ? parsed : fallback;
  } catch {
    return fallback;
  }
}

export function writeStored(key: string, value: unknown): void {
  try {
    window.localStorage.setItem(key, JSON.stringify(value));
  } catch {
    // Losing a preference is better than breaking the editor.
  }
}

export const STORAGE_KEYS = {
  dataSource: "quarry.editor.dataSource",
  layout: "quarry.editor.layout.v1",
} as const;
