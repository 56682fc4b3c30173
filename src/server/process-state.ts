import "server-only";

/**
 * State that must exist once per process, however many copies of a module it runs.
 *
 * Next's production build bundles each entry (the REST route, the tRPC route, the pages,
 * instrumentation) on its own, and a server module imported by several of them is
 * instantiated once per bundle: a module-level `let` or `Map` is then one per bundle. A
 * write made through REST moved REST's copy of a counter while tRPC's copy kept serving
 * what it had cached; a throttle kept one budget per door. Anything that counts,
 * throttles, tracks running work or batches writes for the whole process lives here
 * instead, under a name of its own.
 *
 *   const state = processState("audit.pending", () => ({ entries: [] as Entry[] }));
 */
const store = ((globalThis as unknown as { __quarryProcessState?: Map<string, unknown> }).__quarryProcessState ??= new Map());

export function processState<T>(name: string, create: () => T): T {
  if (!store.has(name)) store.set(name, create());
  return store.get(name) as T;
}
