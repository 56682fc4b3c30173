import "server-only";
import { randomBytes } from "node:crypto";
import { config } from "../config";
import { recordAudit } from "../services/audit";
import { countUsers, createUser } from "../services/auth/users";

/**
 * First start with no users: create an admin from QUARRY_ADMIN_EMAIL/PASSWORD, or with
 * a random password printed once (it is not stored anywhere in clear).
 */
export async function ensureInitialAdmin(log: (line: string) => void = console.log): Promise<void> {
  if ((await countUsers()) > 0) return;
  const { QUARRY_ADMIN_EMAIL, QUARRY_ADMIN_PASSWORD } = config();
  const email = QUARRY_ADMIN_EMAIL ?? "admin@quarry.local";
  const password = QUARRY_ADMIN_PASSWORD ?? randomBytes(12).toString("base64url");
  try {
    const admin = await createUser({ email, username: "admin", password, role: "admin", fullName: "Administrator" });
    await recordAudit({ label: "system" }, { action: "create_initial_admin", resourceType: "user", resourceId: admin.id });
  } catch (error) {
    // Another process won the race to create the first admin.
    if ((await countUsers()) > 0) return;
    throw error;
  }
  const lines = [`Quarry created the first administrator: ${email}`];
  lines.push(
    QUARRY_ADMIN_PASSWORD
      ? "Its password is the one in QUARRY_ADMIN_PASSWORD."
      : `Its password (shown only this once; change it after signing in): ${password}`,
  );
  const width = Math.max(...lines.map((l) => l.length)) + 4;
  log(`\n${"=".repeat(width)}\n${lines.map((l) => `  ${l}`).join("\n")}\n${"=".repeat(width)}\n`);
}
