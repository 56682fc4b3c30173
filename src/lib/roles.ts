import { z } from "zod";

/** Quarry's roles, most powerful first. Shared by server and UI. */
export const ROLES = ["admin", "developer", "analyst", "viewer"] as const;
export type Role = (typeof ROLES)[number];

/** The seeds call an analyst a plain `user`; accept that spelling on input. */
export const roleSchema = z
  .string()
  .trim()
  .toLowerCase()
  .transform((v) => (v === "user" ? "analyst" : v))
  .pipe(z.enum(ROLES));

const rank: Record<Role, number> = { admin: 3, developer: 2, analyst: 1, viewer: 0 };

/** True when `role` is at least as powerful as `minimum`. */
export function hasRole(role: Role, minimum: Role): boolean {
  return rank[role] >= rank[minimum];
}

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}
