import "server-only";
import { appStateGeneration } from "./changes";

/**
 * A bounded in-memory cache of app-state reads on the hot request path (grants, data
 * source rows). Correctness comes from db/changes.ts: an entry is used only while no
 * watched write happened since it was loaded, and a load that overlapped a write is
 * not kept. The TTL is a backstop for writes this process cannot see (another process,
 * a transaction committing after its statements ran). Concurrent misses for one key
 * share a single load. Values are shared between callers: never mutate them.
 */
export class ReadCache<K, V> {
  private entries = new Map<K, { value: V; generation: number; until: number }>();
  private loading = new Map<K, { generation: number; promise: Promise<V> }>();

  constructor(
    private readonly load: (key: K) => Promise<V>,
    private readonly options: { max: number; ttlMs: number },
  ) {}

  get(key: K): Promise<V> {
    const generation = appStateGeneration();
    const hit = this.entries.get(key);
    if (hit && hit.generation === generation && hit.until > Date.now()) return Promise.resolve(hit.value);
    const pending = this.loading.get(key);
    if (pending && pending.generation === generation) return pending.promise;
    const promise = this.load(key).then(
      (value) => {
        if (this.loading.get(key)?.promise === promise) this.loading.delete(key);
        if (appStateGeneration() === generation) this.store(key, value, generation);
        return value;
      },
      (error: unknown) => {
        if (this.loading.get(key)?.promise === promise) this.loading.delete(key);
        throw error;
      },
    );
    this.loading.set(key, { generation, promise });
    return promise;
  }

  clear(): void {
    this.entries.clear();
    this.loading.clear();
  }

  private store(key: K, value: V, generation: number): void {
    this.entries.delete(key);
    if (this.entries.size >= this.options.max) this.entries.delete(this.entries.keys().next().value as K);
    this.entries.set(key, { value, generation, until: Date.now() + this.options.ttlMs });
  }
}
