import "server-only";
import { processState } from "../../process-state";

/**
 * Today's runs per user, for daily quotas, kept in memory so a quota check does not
 * have to flush the written-behind run records (run-records.ts) and count them in the
 * app database on every query. A ledger is opened for a user by their first check of
 * the day (which flushes and reads their runs' ids once); from then on every run begun
 * for them in this process is noted here as it starts. Ids, not a number: a run seen
 * both in the database and noted here counts once, whichever order they came in, so
 * the count is exact within this process. Runs written by another Quarry process are
 * picked up when the ledger is reopened, at the latest REOPEN_AFTER_MS later.
 */
const REOPEN_AFTER_MS = 60_000;

interface Ledger {
  /** Start of the UTC day it counts. */
  day: number;
  openedAt: number;
  ids: Set<string>;
  /** Set while its database read is under way. */
  loading: Promise<void> | null;
}

const ledgers = processState("queries.run-ledgers", () => new Map<string, Ledger>());

/**
 * The ids of `userId`'s runs since `day` (ms): from the ledger, opened (or reopened)
 * with `load` when it is missing, of another day or stale.
 */
export async function runIdsSince(userId: string, day: number, load: () => Promise<string[]>): Promise<Set<string>> {
  let ledger = ledgers.get(userId);
  if (!ledger || ledger.day !== day || (!ledger.loading && Date.now() - ledger.openedAt > REOPEN_AFTER_MS)) {
    // Opened before the read, so a run begun while it is under way is noted here too.
    const opened: Ledger = { day, openedAt: Date.now(), ids: new Set(), loading: null };
    opened.loading = load().then(
      (ids) => {
        for (const id of ids) opened.ids.add(id);
        opened.loading = null;
      },
      (error: unknown) => {
        if (ledgers.get(userId) === opened) ledgers.delete(userId);
        throw error;
      },
    );
    ledgers.set(userId, opened);
    ledger = opened;
  }
  if (ledger.loading) await ledger.loading;
  return ledger.ids;
}

/** A run begun (or refused and recorded) for `userId`: counted if their ledger is open for its day. */
export function noteRun(userId: string, runId: string, createdAt: Date): void {
  const ledger = ledgers.get(userId);
  if (ledger && createdAt.getTime() >= ledger.day) ledger.ids.add(runId);
}

/** A run deleted from history no longer counts, as it would not in the database. */
export function forgetRun(userId: string, runId: string): void {
  ledgers.get(userId)?.ids.delete(runId);
}
