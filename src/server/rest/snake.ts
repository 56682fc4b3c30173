import "server-only";

/**
 * A service's camelCase answer in the seeds' snake_case, keys only and all the way
 * down (`avgLatencyMs` → `avg_latency_ms`); values (rows of a result) are left alone
 * under keys named in `keep`.
 */
const snakeKey = (k: string) => k.replace(/([a-z0-9])([A-Z])/g, "$1_$2").replace(/([A-Z])([A-Z][a-z])/g, "$1_$2").toLowerCase();

export function snakeKeys(value: unknown, keep: ReadonlySet<string> = new Set(["rows", "data"])): unknown {
  if (Array.isArray(value)) return value.map((v) => snakeKeys(v, keep));
  if (value && typeof value === "object" && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [snakeKey(k), keep.has(k) ? v : snakeKeys(v, keep)]));
  }
  return value;
}
