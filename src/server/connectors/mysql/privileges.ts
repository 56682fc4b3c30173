import "server-only";
import type { LoginCheck } from "../types";

/** Global privileges that reach past the data: the server's files, its settings, other sessions. */
const SUPERUSER = new Set(["ALL", "ALL PRIVILEGES", "SUPER"]);
const RISKY = new Set(["FILE", "SHUTDOWN", "CREATE USER", "GRANT OPTION"]);

/**
 * Risky global privileges named by `SHOW GRANTS` lines (`GRANT … ON *.* TO …`).
 * Database- and table-level grants cannot touch files or other sessions.
 */
export function globalPrivilegeRisks(grants: string[]): { superuser: boolean; risks: string[] } {
  const risks = new Set<string>();
  let superuser = false;
  for (const line of grants) {
    const global = /^GRANT\s+(.+?)\s+ON\s+\*\.\*\s+TO\s/i.exec(line.trim());
    if (!global) continue;
    for (const raw of global[1]!.split(",")) {
      const priv = raw.trim().toUpperCase();
      if (SUPERUSER.has(priv)) {
        superuser = true;
        risks.add(priv === "SUPER" ? "SUPER" : "ALL PRIVILEGES");
      } else if (RISKY.has(priv)) risks.add(priv);
    }
    if (/\bWITH\s+GRANT\s+OPTION\b/i.test(line)) risks.add("GRANT OPTION");
  }
  return { superuser, risks: [...risks] };
}

export function mysqlLoginCheck(login: string, grants: string[]): LoginCheck {
  const { superuser, risks } = globalPrivilegeRisks(grants);
  if (risks.length === 0) return { warnings: [] };
  const what = risks.join(", ");
  return {
    warnings: [superuser ? `connects as a superuser: ${login} (${what} on *.*)` : `connects with privileges beyond reading data: ${login} (${what} on *.*)`],
  };
}
