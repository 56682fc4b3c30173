import "server-only";
import { forgetCachedSessions } from "../auth/session-cache";
import { Prisma } from "@prisma/client";
import { appDatabaseProvider } from "../../config/app-database";
import { db } from "../../db";
import { conflict } from "../../errors";
import { isWriteConflict } from "../../errors/prisma";

type Client = Prisma.TransactionClient | typeof db;

const ACTIVE_ADMIN = { role: "admin", isActive: true } as const;

export const lastAdminConflict = (what: string) =>
  conflict(
    `Cannot ${what}: this is the last active administrator. Make another user an active administrator first.`,
  );

/** True when `userId` is the only active admin, so taking that power away would leave none. */
export async function isLastActiveAdmin(userId: string, client: Client = db): Promise<boolean> {
  const target = await client.user.findUnique({ where: { id: userId }, select: { role: true, isActive: true } });
  if (!target || target.role !== "admin" || !target.isActive) return false;
  return (await client.user.count({ where: { ...ACTIVE_ADMIN, id: { not: userId } } })) === 0;
}

/**
 * Applies a change to users and re-counts active admins inside the same transaction.
 * The up-front `isLastActiveAdmin` check gives the clear answer; this one closes the
 * race where two admins demote each other at the same moment. SQLite runs write
 * transactions one at a time; on PostgreSQL the default READ COMMITTED would let both see
 * the other still an admin (write skew), so the transaction is SERIALIZABLE there and the
 * one that loses the race (a serialization failure) gets the same conflict.
 */
export async function keepingAnAdmin<T>(what: string, change: (tx: Prisma.TransactionClient) => Promise<T>): Promise<T> {
  const options = appDatabaseProvider() === "postgresql" ? { isolationLevel: Prisma.TransactionIsolationLevel.Serializable } : undefined;
  try {
    return await db.$transaction(async (tx) => {
      const result = await change(tx);
      if ((await tx.user.count({ where: ACTIVE_ADMIN })) === 0) throw lastAdminConflict(what);
      return result;
    }, options);
  } catch (error) {
    if (isWriteConflict(error)) throw lastAdminConflict(what);
    throw error;
  } finally {
    // Role, activity or identity may have changed: cached bearer sessions must not outlive it.
    forgetCachedSessions();
  }
}
