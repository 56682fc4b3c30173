import "server-only";
import { Prisma } from "@prisma/client";
import { isRole, type Role } from "@/lib/roles";
import { db } from "../../db";
import { AppError, conflict } from "../../errors";
import { isUniqueViolation } from "../../errors/prisma";
import { assertPasswordPolicy, hashPassword } from "./passwords";

/** What the rest of Quarry knows about a user: never the password hash. */
export interface UserRecord {
  id: string;
  email: string;
  username: string;
  fullName: string;
  role: Role;
  isActive: boolean;
  sessionsValidAfter: Date;
  createdAt: Date;
  updatedAt: Date;
  lastLoginAt: Date | null;
}

type UserRow = Prisma.UserGetPayload<object>;

export function toUserRecord(row: UserRow): UserRecord {
  if (!isRole(row.role)) {
    throw new AppError("INTERNAL", `User ${row.id} has an unknown role`);
  }
  return {
    id: row.id,
    email: row.email,
    username: row.username,
    fullName: row.fullName,
    role: row.role,
    isActive: row.isActive,
    sessionsValidAfter: row.sessionsValidAfter,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    lastLoginAt: row.lastLoginAt,
  };
}

export async function findUserById(id: string): Promise<UserRecord | null> {
  const row = await db.user.findUnique({ where: { id } });
  return row ? toUserRecord(row) : null;
}

/** Finds by email (case-insensitive, stored lower-case) or by username. */
export async function findUserForLogin(identifier: string): Promise<(UserRow & {}) | null> {
  const normalized = identifier.trim();
  if (normalized.includes("@")) {
    return db.user.findUnique({ where: { email: normalized.toLowerCase() } });
  }
  return db.user.findUnique({ where: { username: normalized } });
}

export async function countUsers(): Promise<number> {
  return db.user.count();
}

export interface NewUser {
  email: string;
  username?: string;
  fullName?: string;
  password: string;
  role: Role;
}

/** Derives a free username from an email's local part when none is given. */
async function freeUsername(email: string): Promise<string> {
  const base = (email.split("@")[0] ?? "user").replace(/[^a-zA-Z0-9_.-]/g, "_").slice(0, 40) || "user";
  for (let n = 0; n < 1000; n++) {
    const candidate = n === 0 ? base : `${base}${n}`;
    if (!(await db.user.findUnique({ where: { username: candidate } }))) return candidate;
  }
  throw conflict("Could not derive a free username; choose one");
}

export async function createUser(input: NewUser): Promise<UserRecord> {
  assertPasswordPolicy(input.password);
  const email = input.email.trim().toLowerCase();
  const username = input.username?.trim() || (await freeUsername(email));
  const existing = await db.user.findFirst({ where: { OR: [{ email }, { username }] } });
  if (existing) {
    throw conflict(
      existing.email === email
        ? "A user with this email already exists"
        : "A user with this username already exists",
    );
  }
  try {
    const row = await db.user.create({
      data: {
        email,
        username,
        fullName: input.fullName?.trim() ?? "",
        role: input.role,
        passwordHash: await hashPassword(input.password),
      },
    });
    return toUserRecord(row);
  } catch (error) {
    // Two registrations racing for the same email: the unique index decides.
    if (isUniqueViolation(error)) {
      throw conflict("A user with this email or username already exists");
    }
    throw error;
  }
}
