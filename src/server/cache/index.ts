import "server-only";
import { publish, subscribeAny } from "../events/bus";

/**
 * In-memory caches of this process and their invalidation across processes. A cache
 * registers its clear function under a name; `invalidate(name, key?)` clears it here at
 * once and, over the event bus (Redis pub/sub when REDIS_URL is set), in every other
 * web process and worker. `/admin/system/cache/clear` calls `invalidateAll()`.
 *
 *   const forget = registerCache("grants", (key) => (key ? entries.delete(key) : entries.clear()));
 *   invalidate("grants", userId); // after the write committed
 */
export type CacheClear = (key?: string) => void;

const global = globalThis as unknown as { __quarryCaches?: Map<string, Set<CacheClear>>; __quarryCacheListener?: () => void };
const caches = (global.__quarryCaches ??= new Map());

const ALL = "*";

function clearHere(cache: string, key?: string): void {
  const targets = cache === ALL ? [...caches.values()] : [caches.get(cache) ?? new Set<CacheClear>()];
  for (const set of targets) {
    for (const clear of set) {
      try {
        clear(key);
      } catch (error) {
        console.error(`[cache] clearing ${cache} failed:`, (error as Error).message);
      }
    }
  }
}

function ensureListening(): void {
  // The bus delivers this process's own publish too; clearing twice is harmless.
  global.__quarryCacheListener ??= subscribeAny("cache.invalidated", (event) => clearHere(event.cache, event.key));
}

/** Registers a cache; returns the function that unregisters it. */
export function registerCache(name: string, clear: CacheClear): () => void {
  if (name === ALL) throw new Error(`"${ALL}" is not a cache name`);
  ensureListening();
  let set = caches.get(name);
  if (!set) caches.set(name, (set = new Set()));
  set.add(clear);
  return () => void set.delete(clear);
}

/** Drops `key` (or everything) from the named cache in every process. */
export function invalidate(name: string, key?: string): void {
  ensureListening();
  publish("cache.invalidated", name, key === undefined ? { cache: name } : { cache: name, key });
}

/** Drops every registered cache in every process; answers the names known here. */
export function invalidateAll(): string[] {
  invalidate(ALL);
  return [...caches.keys()].sort();
}
