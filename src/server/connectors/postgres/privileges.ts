import "server-only";
import type pg from "pg";
import type { LoginCheck } from "../types";
import { beginReadText } from "./session";

/** Predefined roles that reach outside the database: server files and programs. */
const SERVER_ROLES = ["pg_read_server_files", "pg_write_server_files", "pg_execute_server_program"];

interface RolePowers {
  name: string;
  superuser: boolean;
  createrole: boolean;
  serverRoles: string[];
}

const POWERS_SQL = `
SELECT r.rolname AS name, r.rolsuper AS superuser, r.rolcreaterole AS createrole,
       ARRAY(SELECT b.rolname::text FROM pg_catalog.pg_roles b
             WHERE b.rolname = ANY($2::text[]) AND pg_catalog.pg_has_role(r.oid, b.oid, 'MEMBER')
             ORDER BY b.rolname) AS "serverRoles"
FROM pg_catalog.pg_roles r WHERE r.rolname = $1`;

async function powersOf(client: pg.ClientBase, role: string): Promise<RolePowers | undefined> {
  const res = await client.query<RolePowers>(POWERS_SQL, [role, SERVER_ROLES]);
  return res.rows[0];
}

function risks(p: RolePowers): string[] {
  const out: string[] = [];
  if (p.superuser) out.push("superuser");
  out.push(...p.serverRoles.map((r) => `member of ${r}`));
  if (p.createrole) out.push("CREATEROLE");
  return out;
}

/**
 * What the login may do beyond reading data, and whether the read role can be used:
 * it must exist and the login must be a member of it (else SET ROLE fails on every read).
 */
export async function checkPostgresLogin(client: pg.ClientBase, readRole: string | undefined): Promise<LoginCheck> {
  const warnings: string[] = [];
  const login = (await client.query<{ name: string }>("SELECT session_user::text AS name")).rows[0]!.name;
  const loginPowers = await powersOf(client, login);
  const loginRisks = loginPowers ? risks(loginPowers) : [];
  if (loginPowers?.superuser) warnings.push(`connects as a superuser: ${login}`);
  else if (loginRisks.length > 0) warnings.push(`connects with privileges beyond reading data: ${login} (${loginRisks.join(", ")})`);
  if (!readRole) return { warnings };
  const rolePowers = await powersOf(client, readRole);
  if (!rolePowers) return { warnings, readRoleError: `Role "${readRole}" does not exist on this server` };
  // Tried rather than looked up: membership alone does not allow SET ROLE everywhere
  // (PostgreSQL 16 grants memberships WITH SET FALSE).
  const canSwitch = await client.query(beginReadText(1_000, readRole)).then(
    () => true,
    () => false,
  );
  await client.query("ROLLBACK");
  if (!canSwitch) {
    return { warnings, readRoleError: `The login ${login} cannot switch to role "${readRole}": it must be a member (GRANT "${readRole}" TO "${login}")` };
  }
  const roleRisks = risks(rolePowers);
  if (roleRisks.length > 0) warnings.push(`the read role ${readRole} is not least-privilege (${roleRisks.join(", ")})`);
  return { warnings };
}
