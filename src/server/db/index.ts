import "server-only";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaClient } from "@prisma/client";
import { appDatabaseUrl } from "../config/app-database";
import { noteOperation } from "./changes";

/**
 * The app-state database (Prisma). Only services import this; row types never leave
 * the service layer (procedures return DTOs).
 *
 * Kept on globalThis so Next's dev reloads and the custom server share one client.
 */
const globalForPrisma = globalThis as unknown as { __quarryPrisma?: PrismaClient };

/** How long a write waits for another connection's lock (migrations, the CLI) before failing. */
const BUSY_TIMEOUT_MS = 5000;

function createClient(): PrismaClient {
  const adapter = new PrismaBetterSQLite3({ url: appDatabaseUrl(), timeout: BUSY_TIMEOUT_MS });
  const client = new PrismaClient({ adapter });
  // WAL: readers do not block the writer and a commit is one append instead of a
  // rollback-journal rewrite; with synchronous=NORMAL a commit no longer waits for an
  // fsync (a power cut may lose the last commits, never corrupt the file). The -wal and
  // -shm files take the database file's owner-only mode (config/app-database.ts).
  // The adapter holds one connection, so these apply to every later statement.
  void client
    .$queryRawUnsafe("PRAGMA journal_mode = WAL")
    .then(() => client.$queryRawUnsafe("PRAGMA synchronous = NORMAL"))
    .catch((error: Error) => console.warn("[db] could not switch the app database to WAL:", error.message));
  return watchWrites(client);
}

/**
 * Every model write, in batches and interactive transactions too, tells the read caches
 * (db/changes.ts) once it is done. The extended client has the same delegates and
 * methods as PrismaClient; only its declared type differs.
 */
function watchWrites(client: PrismaClient): PrismaClient {
  return client.$extends({
    query: {
      $allModels: {
        async $allOperations({ model, operation, args, query }) {
          try {
            return await query(args);
          } finally {
            noteOperation(model, operation);
          }
        },
      },
    },
  }) as unknown as PrismaClient;
}

export const db: PrismaClient = globalForPrisma.__quarryPrisma ?? createClient();
globalForPrisma.__quarryPrisma = db;

export type Db = PrismaClient;
