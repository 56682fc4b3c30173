import "server-only";

/**
 * A counter of committed-or-attempted writes to the app state that in-memory caches
 * derive from (users, groups, memberships, grants, data sources, settings, ...). The
 * Prisma client (db/index.ts) bumps it after every write operation on any model except
 * the append-mostly ones listed in `UNWATCHED` (query runs and results, audit entries,
 * tokens, jobs), which nothing cached reads. Caches (read-cache.ts) remember the value
 * their entry was loaded under and drop the entry once it moved, so a revoked grant, a
 * deactivated user or a deleted data source is seen by the very next request.
 *
 * It is per process: a second Quarry process writing the same app database is not
 * seen here (entries then live at most their TTL).
 */
let generation = 0;

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

export const appStateGeneration = (): number => generation;

/** Called by the client extension after each operation (see db/index.ts). */
export function noteOperation(model: string | undefined, operation: string): void {
  if (model && WRITES.has(operation) && !UNWATCHED.has(model)) generation++;
}

/** For writes Prisma does not see as model operations (raw SQL, another connection). */
export function noteAppStateChanged(): void {
  generation++;
}
