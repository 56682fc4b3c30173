import "server-only";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaClient } from "@prisma/client";
import { appDatabaseUrl } from "../config/app-database";

/**
 * The app-state database (Prisma). Only services import this; row types never leave
 * the service layer (procedures return DTOs).
 *
 * Kept on globalThis so Next's dev reloads and the custom server share one client.
 */
const globalForPrisma = globalThis as unknown as { __quarryPrisma?: PrismaClient };

function createClient(): PrismaClient {
  const adapter = new PrismaBetterSQLite3({ url: appDatabaseUrl() });
  return new PrismaClient({ adapter });
}

export const db: PrismaClient = globalForPrisma.__quarryPrisma ?? createClient();
globalForPrisma.__quarryPrisma = db;

export type Db = PrismaClient;
