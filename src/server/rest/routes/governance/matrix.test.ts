import { beforeAll, describe, expect, it } from "vitest";
import type { Role } from "@/lib/roles";
import { createUser } from "@/server/services/auth/users";
import { normalizePath } from "@/server/rest/match";
import { rest, signedInUser } from "@/test/rest-client";
import { governanceRoutes } from "./index";
import { makeDataSource } from "./testing";

/**
 * Who may call what: every governance route × (anonymous, viewer, analyst, developer,
 * admin). Non-admins go first so that only the admin's call changes anything.
 */
type Principal = "anonymous" | Role;
const PRINCIPALS: Principal[] = ["anonymous", "viewer", "analyst", "developer", "admin"];
const tokens = {} as Record<Principal, string | undefined>;

interface Call {
  path: string;
  body?: unknown;
}
interface Row {
  method: string;
  route: string;
  setup: () => Promise<Call>;
  /** Status per signed-in principal; anonymous is always 401. */
  expected: Record<Role, number>;
}

const adminOnly = (ok: number): Record<Role, number> => ({ viewer: 403, analyst: 403, developer: 403, admin: ok });
const everyone = (ok: number): Record<Role, number> => ({ viewer: ok, analyst: ok, developer: ok, admin: ok });

let n = 0;
const unique = (prefix: string) => `${prefix}-${++n}-${Date.now()}`;
const someone = () => createUser({ email: `${unique("m")}@example.test`, password: "long-enough-1", role: "viewer" });
const group = async () => {
  const res = await rest("POST", "/groups", { token: tokens.admin, body: { name: unique("g") } });
  return res.body.id as string;
};

const rows: Row[] = [
  { method: "GET", route: "/auth/users", setup: async () => ({ path: "/auth/users" }), expected: adminOnly(200) },
  {
    method: "POST", route: "/auth/users", expected: adminOnly(201),
    setup: async () => ({ path: "/auth/users", body: { email: `${unique("c")}@example.test`, password: "long-enough-1" } }),
  },
  { method: "GET", route: "/auth/users/:id", setup: async () => ({ path: `/auth/users/${(await someone()).id}` }), expected: adminOnly(200) },
  {
    method: "PUT", route: "/auth/users/:id", expected: adminOnly(200),
    setup: async () => ({ path: `/auth/users/${(await someone()).id}`, body: { full_name: "Renamed" } }),
  },
  { method: "DELETE", route: "/auth/users/:id", setup: async () => ({ path: `/auth/users/${(await someone()).id}` }), expected: adminOnly(200) },
  {
    method: "POST", route: "/auth/users/:id/reset-password", expected: adminOnly(200),
    setup: async () => ({ path: `/auth/users/${(await someone()).id}/reset-password`, body: { new_password: "long-enough-2" } }),
  },
  { method: "GET", route: "/groups", setup: async () => ({ path: "/groups" }), expected: everyone(200) },
  { method: "POST", route: "/groups", setup: async () => ({ path: "/groups", body: { name: unique("new") } }), expected: adminOnly(201) },
  { method: "GET", route: "/groups/:id", setup: async () => ({ path: `/groups/${await group()}` }), expected: everyone(200) },
  {
    method: "PUT", route: "/groups/:id", expected: adminOnly(200),
    setup: async () => ({ path: `/groups/${await group()}`, body: { description: "changed" } }),
  },
  { method: "DELETE", route: "/groups/:id", setup: async () => ({ path: `/groups/${await group()}` }), expected: adminOnly(200) },
  {
    method: "POST", route: "/groups/:id/users", expected: adminOnly(200),
    setup: async () => ({ path: `/groups/${await group()}/users`, body: { user_id: (await someone()).id } }),
  },
  {
    method: "DELETE", route: "/groups/:id/users", expected: adminOnly(200),
    setup: async () => {
      const [g, u] = [await group(), (await someone()).id];
      await rest("POST", `/groups/${g}/users`, { token: tokens.admin, body: { user_id: u } });
      return { path: `/groups/${g}/users`, body: { user_id: u } };
    },
  },
  {
    // Without a grant the data source does not exist for them: 404, not 403.
    method: "GET", route: "/datasources/:id/permissions", expected: { viewer: 404, analyst: 404, developer: 404, admin: 200 },
    setup: async () => ({ path: `/datasources/${(await makeDataSource()).id}/permissions` }),
  },
  {
    method: "PUT", route: "/datasources/:id/permissions", expected: adminOnly(200),
    setup: async () => ({ path: `/datasources/${(await makeDataSource()).id}/permissions`, body: { permissions: [] } }),
  },
  { method: "GET", route: "/team/members", setup: async () => ({ path: "/team/members" }), expected: adminOnly(200) },
  {
    method: "POST", route: "/team/members", expected: adminOnly(201),
    setup: async () => ({ path: "/team/members", body: { email: `${unique("i")}@example.test`, role: "viewer" } }),
  },
  {
    method: "POST", route: "/team/members/:id/revoke", expected: adminOnly(200),
    setup: async () => ({ path: `/team/members/${(await someone()).id}/revoke` }),
  },
  {
    method: "PUT", route: "/permissions/:resource_id", expected: adminOnly(200),
    setup: async () => ({ path: `/permissions/${(await makeDataSource()).id}`, body: { user_id: (await someone()).id, permission: "read" } }),
  },
  { method: "GET", route: "/audit-logs", setup: async () => ({ path: "/audit-logs" }), expected: adminOnly(200) },
  { method: "GET", route: "/admin/users", setup: async () => ({ path: "/admin/users" }), expected: adminOnly(200) },
  {
    method: "PUT", route: "/admin/users/:user_id/role", expected: adminOnly(200),
    setup: async () => ({ path: `/admin/users/${(await someone()).id}/role`, body: { role: "analyst" } }),
  },
  {
    method: "PUT", route: "/admin/users/:user_id/status", expected: adminOnly(200),
    setup: async () => ({ path: `/admin/users/${(await someone()).id}/status`, body: { is_active: false } }),
  },
  { method: "DELETE", route: "/admin/users/:user_id", setup: async () => ({ path: `/admin/users/${(await someone()).id}` }), expected: adminOnly(200) },
  { method: "GET", route: "/admin/system/status", setup: async () => ({ path: "/admin/system/status" }), expected: adminOnly(200) },
  { method: "POST", route: "/admin/system/cache/clear", setup: async () => ({ path: "/admin/system/cache/clear" }), expected: adminOnly(200) },
  { method: "GET", route: "/admin/logs", setup: async () => ({ path: "/admin/logs" }), expected: adminOnly(200) },
  { method: "GET", route: "/auth/admin/stats", setup: async () => ({ path: "/auth/admin/stats" }), expected: adminOnly(200) },
];

beforeAll(async () => {
  for (const role of ["viewer", "analyst", "developer", "admin"] as const) tokens[role] = (await signedInUser(role)).token;
});

describe("governance permission matrix", () => {
  it("covers every governance route exactly once", () => {
    const inTable = governanceRoutes.map((r) => `${r.method} ${normalizePath(r.path)}`).sort();
    const inMatrix = rows.map((r) => `${r.method} ${r.route}`).sort();
    expect(inMatrix).toEqual(inTable);
  });

  for (const row of rows) {
    it(`${row.method} ${row.route}`, async () => {
      const call = await row.setup();
      const got: Record<string, number> = {};
      for (const who of PRINCIPALS) {
        got[who] = (await rest(row.method, call.path, { token: tokens[who], body: call.body })).status;
      }
      expect(got).toEqual({ anonymous: 401, ...row.expected });
    });
  }

  it("lets a non-admin read and change their own record through /auth/users/:id", async () => {
    for (const role of ["viewer", "analyst", "developer"] as const) {
      const me = await signedInUser(role);
      expect((await rest("GET", `/auth/users/${me.user.id}`, { token: me.token })).status).toBe(200);
      expect((await rest("PUT", `/auth/users/${me.user.id}`, { token: me.token, body: { full_name: "Self" } })).status).toBe(200);
      expect((await rest("PUT", `/auth/users/${me.user.id}`, { token: me.token, body: { role: "admin" } })).status).toBe(403);
    }
  });
});
