import "server-only";
import { invalidate, registerCache } from "../cache";
import { processState } from "../process-state";

/**
 * A counter of committed-or-attempted writes to the app state that in-memory caches
 * derive from (users, groups, memberships, grants, data sources, settings, ...). The
 * Prisma client (db/index.ts) bumps it after every write operation on any model except
 * the append-mostly ones listed in `UNWATCHED` (query runs and results, audit entries,
 * tokens, jobs), which nothing cached reads. Caches (read-cache.ts) remember the value
 * their entry was loaded under and drop the entry once it moved, so a revoked grant, a
 * deactivated user or a deleted data source is seen by the very next request.
 *
 * Other processes (several web processes and workers, see "Scaling out") hear of each
 * write over the event bus (Redis pub/sub when REDIS_URL is set): the counter is also a
 * registered cache (src/server/cache) whose "clear" moves it, so a grant revoked on one
 * process is honoured on the others as soon as the message arrives (milliseconds), with
 * the caches' TTL as the backstop if Redis is down.
 */
// One counter per process (process-state.ts): the Prisma client is shared by every bundle,
// so its writes must move the counter every bundle's caches read.
const state = processState("app-state.generation", () => ({ generation: 0, listening: false }));

function announce(): void {
  if (!state.listening) {
    state.listening = true;
    registerCache("app-state", () => void state.generation++);
  }
  invalidate("app-state");
}

/** Models whose writes cannot change anything a read cache holds. */
export const UNWATCHED = new Set(["QueryRun", "QueryResult", "AuditEntry", "RefreshToken", "RevokedToken", "Job", "JobSchedule"]);

const WRITES = new Set([
  "create",
  "createMany",
  "createManyAndReturn",
  "update",
  "updateMany",
  "updateManyAndReturn",
  "upsert",
  "delete",
  "deleteMany",
]);

export const appStateGeneration = (): number => state.generation;

/** Called by the client extension after each operation (see db/index.ts). */
export function noteOperation(model: string | undefined, operation: string): void {
  if (model && WRITES.has(operation) && !UNWATCHED.has(model)) {
    state.generation++;
    announce();
  }
}

/** For writes Prisma does not see as model operations (raw SQL, another connection). */
export function noteAppStateChanged(): void {
  state.generation++;
  announce();
}
