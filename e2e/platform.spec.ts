import { expect, test, type APIRequestContext } from "@playwright/test";
import { E2E_ADMIN, signInAsAdmin, submitLogin } from "./fixtures";

const DEMO = "Demo retail (SQLite)";
type Json = Record<string, unknown>;

/** A REST call that must succeed; the body is returned parsed. */
async function call<T = Json>(request: APIRequestContext, token: string, method: "GET" | "POST" | "PUT", path: string, data?: unknown, expected = [200, 201]): Promise<T> {
  const response = await request.fetch(`/api/v1${path}`, { method, data, headers: { authorization: `Bearer ${token}` } });
  const text = await response.text();
  expect(expected, `${method} ${path} → ${response.status()}: ${text}`).toContain(response.status());
  return JSON.parse(text) as T;
}

async function login(request: APIRequestContext, email: string, password: string): Promise<string> {
  const response = await request.post("/api/v1/auth/login", { data: { email, password } });
  expect(response.status(), await response.text()).toBe(200);
  return ((await response.json()) as { access_token: string }).access_token;
}

async function demoSourceId(request: APIRequestContext, admin: string): Promise<string> {
  const sources = await call<{ data: { id: string; name: string }[] }>(request, admin, "GET", "/datasources");
  const demo = sources.data.find((d) => d.name === DEMO);
  expect(demo, "the demo data source is registered").toBeTruthy();
  return demo!.id;
}

test("schedule a saved query from the editor and find it under Settings", async ({ page, request }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  const admin = await login(request, E2E_ADMIN.email, E2E_ADMIN.password);
  const title = `Countries nightly ${Date.now().toString(36)}`;
  await call(request, admin, "POST", "/saved-queries", { title, sql: "SELECT country, count(*) FROM customers GROUP BY country", database_id: await demoSourceId(request, admin) });

  await signInAsAdmin(page);
  await page.goto("/editor");
  await page.getByRole("tab", { name: "Saved" }).click();
  await page.getByRole("textbox", { name: "Search saved queries" }).fill(title);
  const item = page.getByTestId("saved-query").filter({ hasText: title });
  await expect(item).toBeVisible({ timeout: 30_000 });
  await item.getByRole("button", { name: `Actions for ${title}` }).click();
  await page.getByRole("menuitem", { name: "Schedule…" }).click();

  const dialog = page.getByRole("dialog", { name: `Schedule “${title}”` });
  await dialog.getByRole("combobox", { name: "Runs" }).click();
  await page.getByRole("option", { name: "Daily" }).click();
  await dialog.getByRole("textbox", { name: /^Time/ }).fill("07:30");
  await dialog.getByRole("button", { name: "Schedule", exact: true }).click();
  await expect(dialog).toBeHidden();

  await page.goto("/settings");
  const card = page.getByTestId("schedules-card");
  const row = card.getByRole("row").filter({ hasText: title });
  await expect(row).toBeVisible({ timeout: 30_000 });
  await expect(row).toContainText("30 7 * * *");
  await expect(row).toContainText("active");
});

test("an approver's Approvals badge counts up when a writer submits a change", async ({ page, request }) => {
  test.slow();
  await page.setViewportSize({ width: 1440, height: 900 });
  const admin = await login(request, E2E_ADMIN.email, E2E_ADMIN.password);
  const dataSourceId = await demoSourceId(request, admin);
  const unique = Date.now().toString(36);
  const password = "e2e-pass-1234";
  const writer = { email: `writer-${unique}@e2e.test`, username: `writer-${unique}`, full_name: "Wri Ter", password, role: "analyst" };
  const approver = { email: `badge-approver-${unique}@e2e.test`, username: `badge-approver-${unique}`, full_name: "Bea Dge", password, role: "developer" };
  const writerUser = await call<{ id: string }>(request, admin, "POST", "/auth/users", writer);
  const approverUser = await call<{ id: string }>(request, admin, "POST", "/auth/users", approver);
  const writers = await call<{ id: string }>(request, admin, "POST", "/groups", { name: `Badge writers ${unique}` });
  const approvers = await call<{ id: string }>(request, admin, "POST", "/groups", { name: `Badge approvers ${unique}` });
  await call(request, admin, "POST", `/groups/${writers.id}/users`, { user_id: writerUser.id });
  await call(request, admin, "POST", `/groups/${approvers.id}/users`, { user_id: approverUser.id });
  // PUT replaces every grant on the data source, so keep the ones already there.
  const existing = await call<{ permissions: { group_id: string; can_read: boolean; can_write: boolean; can_approve: boolean }[] }>(
    request, admin, "GET", `/datasources/${dataSourceId}/permissions`,
  );
  await call(request, admin, "PUT", `/datasources/${dataSourceId}/permissions`, {
    permissions: [
      ...existing.permissions.map(({ group_id, can_read, can_write, can_approve }) => ({ group_id, can_read, can_write, can_approve })),
      { group_id: writers.id, can_read: true, can_write: true, can_approve: false },
      { group_id: approvers.id, can_read: true, can_write: false, can_approve: true },
    ],
  });
  const writerToken = await login(request, writer.email, password);
  const submit = (id: number) =>
    call<{ status: string }>(request, writerToken, "POST", "/queries", { data_source_id: dataSourceId, query_text: `UPDATE products SET unit_price = unit_price WHERE id = ${id}` }, [202]);

  // Requests other specs left pending may already wait for this approver: count from there.
  await page.goto("/login");
  await submitLogin(page, approver.email, password);
  await expect(page).toHaveURL(/\/editor$/);
  const badge = page.getByTestId("nav-badge-approvals");
  await expect(page.getByRole("link", { name: /Approvals/ })).toBeVisible();
  await page.waitForLoadState("networkidle");
  const before = (await badge.count()) ? Number(await badge.textContent()) : 0;

  // Each submission reaches the open page live (no reload).
  expect((await submit(1)).status).toBe("pending_approval");
  await expect(badge).toHaveText(String(before + 1), { timeout: 20_000 });
  expect((await submit(2)).status).toBe("pending_approval");
  await expect(badge).toHaveText(String(before + 2), { timeout: 20_000 });
  await expect(badge).toHaveAttribute("aria-label", `${before + 2} waiting for your review`);
});
