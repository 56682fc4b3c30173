import { expect, type APIRequestContext } from "@playwright/test";

/** Set-up over the REST API, as a program written for the documents would do it. */

export const DEMO = "Demo retail (SQLite)";

/** A REST call that must answer one of `expected`; the body is returned parsed. */
export async function apiCall<T = Record<string, unknown>>(
  request: APIRequestContext,
  token: string,
  method: "GET" | "POST" | "PUT" | "DELETE",
  path: string,
  data?: unknown,
  expected = [200, 201],
): Promise<T> {
  const response = await request.fetch(`/api/v1${path}`, { method, data, headers: { authorization: `Bearer ${token}` } });
  const text = await response.text();
  expect(expected, `${method} ${path} → ${response.status()}: ${text}`).toContain(response.status());
  return JSON.parse(text) as T;
}

export async function apiLogin(request: APIRequestContext, email: string, password: string): Promise<string> {
  const response = await request.post("/api/v1/auth/login", { data: { email, password } });
  expect(response.status(), await response.text()).toBe(200);
  return ((await response.json()) as { access_token: string }).access_token;
}

export async function demoSourceId(request: APIRequestContext, admin: string): Promise<string> {
  const sources = await apiCall<{ data: { id: string; name: string }[] }>(request, admin, "GET", "/datasources");
  const demo = sources.data.find((d) => d.name === DEMO);
  expect(demo, "the demo data source is registered").toBeTruthy();
  return demo!.id;
}

export interface E2eUser {
  id: string;
  email: string;
  username: string;
  full_name: string;
  password: string;
}

/**
 * A writer (role analyst) and an approver (role developer), each in a group of their own
 * that may write, respectively approve, on the data source. Grants already on the source
 * are kept (PUT replaces them all). `label` makes names unique per test.
 */
export async function writerAndApprover(
  request: APIRequestContext,
  admin: string,
  dataSourceId: string,
  label: string,
  names = { writer: "Wri Ter", approver: "Abe Prover" },
): Promise<{ writer: E2eUser; approver: E2eUser }> {
  const unique = `${label}-${Date.now().toString(36)}`;
  const password = "e2e-pass-1234";
  const create = async (kind: string, full_name: string, role: string): Promise<E2eUser> => {
    const user = { email: `${kind}-${unique}@e2e.test`, username: `${kind}-${unique}`, full_name, password, role };
    const { id } = await apiCall<{ id: string }>(request, admin, "POST", "/auth/users", user);
    return { id, email: user.email, username: user.username, full_name, password };
  };
  const writer = await create("writer", names.writer, "analyst");
  const approver = await create("approver", names.approver, "developer");
  const writers = await apiCall<{ id: string }>(request, admin, "POST", "/groups", { name: `Writers ${unique}` });
  const approvers = await apiCall<{ id: string }>(request, admin, "POST", "/groups", { name: `Approvers ${unique}` });
  await apiCall(request, admin, "POST", `/groups/${writers.id}/users`, { user_id: writer.id });
  await apiCall(request, admin, "POST", `/groups/${approvers.id}/users`, { user_id: approver.id });
  const existing = await apiCall<{ permissions: { group_id: string; can_read: boolean; can_write: boolean; can_approve: boolean }[] }>(
    request, admin, "GET", `/datasources/${dataSourceId}/permissions`,
  );
  await apiCall(request, admin, "PUT", `/datasources/${dataSourceId}/permissions`, {
    permissions: [
      ...existing.permissions.map(({ group_id, can_read, can_write, can_approve }) => ({ group_id, can_read, can_write, can_approve })),
      { group_id: writers.id, can_read: true, can_write: true, can_approve: false },
      { group_id: approvers.id, can_read: true, can_write: false, can_approve: true },
    ],
  });
  return { writer, approver };
}
