import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { E2E_ADMIN, signInAsAdmin, submitLogin } from "./fixtures";

const SCREENSHOTS = "test-results/screenshots";
const DEMO = "Demo retail (SQLite)";
const V1 = "SELECT country, count(*) AS customers\nFROM customers\nGROUP BY country";
const V2 = "SELECT country, count(*) AS n\nFROM customers\nGROUP BY country\nORDER BY n DESC";

type Json = Record<string, unknown>;

async function call<T = Json>(request: APIRequestContext, token: string, method: "GET" | "POST" | "PUT", path: string, data?: unknown): Promise<T> {
  const response = await request.fetch(`/api/v1${path}`, { method, data, headers: { authorization: `Bearer ${token}` } });
  const text = await response.text();
  expect([200, 201], `${method} ${path} → ${response.status()}: ${text}`).toContain(response.status());
  return JSON.parse(text) as T;
}

async function login(request: APIRequestContext, email: string, password: string): Promise<string> {
  const response = await request.post("/api/v1/auth/login", { data: { email, password } });
  expect(response.status(), await response.text()).toBe(200);
  return ((await response.json()) as { access_token: string }).access_token;
}

async function signIn(page: Page, email: string, password: string) {
  await page.goto("/login");
  await submitLogin(page, email, password);
  await expect(page).toHaveURL(/\/editor$/);
  await expect(page.getByTestId("sql-editor").locator(".monaco-editor")).toBeVisible({ timeout: 30_000 });
}

async function signOut(page: Page) {
  await page.getByTestId("user-menu").click();
  await page.getByRole("menuitem", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login/);
}

async function pickDemo(page: Page) {
  const select = page.getByRole("combobox", { name: "Data source" });
  await select.click();
  await page.getByRole("option", { name: DEMO }).click();
  await expect(select).toHaveValue(DEMO);
}

async function setSql(page: Page, sql: string) {
  await page.getByTestId("sql-editor").locator(".monaco-editor .view-lines").click();
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.press("Delete");
  await page.keyboard.insertText(sql);
  await page.keyboard.press("Escape");
}

async function run(page: Page) {
  await page.getByTestId("run-button").click();
  await expect(page.getByTestId("results-footer")).toContainText("rows in");
}

async function save(page: Page, title?: string) {
  await page.getByRole("toolbar", { name: "Editor actions" }).getByRole("button", { name: "Save" }).click();
  const dialog = page.getByRole("dialog", { name: "Save query" });
  if (title) await dialog.getByRole("textbox", { name: "Title" }).fill(title);
  await dialog.getByRole("button", { name: "Save", exact: true }).click();
  await expect(dialog).toBeHidden();
}

async function itemAction(page: Page, title: string, action: string) {
  await page.getByTestId("saved-query").filter({ hasText: title }).getByRole("button", { name: `Actions for ${title}` }).click();
  await page.getByRole("menuitem", { name: action }).click();
}

async function pickFolder(page: Page, name: string | RegExp) {
  await page.getByRole("combobox", { name: "Folder" }).click();
  await page.getByRole("option", { name }).click();
}

test("versions with a diff, a chart kept with the query, folders, and sharing with a group", async ({ page, request }) => {
  test.slow();
  await page.setViewportSize({ width: 1440, height: 950 });

  // --- Setup over REST: an owner and a member, a group holding only the member, read on the demo for both.
  const admin = await login(request, E2E_ADMIN.email, E2E_ADMIN.password);
  const demo = (await call<{ data: { id: string; name: string }[] }>(request, admin, "GET", "/datasources")).data.find((d) => d.name === DEMO)!;
  const unique = Date.now().toString(36);
  const password = "e2e-pass-1234";
  const owner = { email: `sq-owner-${unique}@e2e.test`, username: `sq-owner-${unique}`, full_name: "Sam Owner", password, role: "analyst" };
  const member = { email: `sq-member-${unique}@e2e.test`, username: `sq-member-${unique}`, full_name: "Mo Member", password, role: "analyst" };
  const ownerUser = await call<{ id: string }>(request, admin, "POST", "/auth/users", owner);
  const memberUser = await call<{ id: string }>(request, admin, "POST", "/auth/users", member);
  const readers = await call<{ id: string }>(request, admin, "POST", "/groups", { name: `SQ readers ${unique}` });
  const owners = await call<{ id: string }>(request, admin, "POST", "/groups", { name: `SQ owners ${unique}` });
  await call(request, admin, "POST", `/groups/${readers.id}/users`, { user_id: memberUser.id });
  await call(request, admin, "POST", `/groups/${owners.id}/users`, { user_id: ownerUser.id });
  const existing = await call<{ permissions: { group_id: string; can_read: boolean; can_write: boolean; can_approve: boolean }[] }>(
    request, admin, "GET", `/datasources/${demo.id}/permissions`,
  );
  await call(request, admin, "PUT", `/datasources/${demo.id}/permissions`, {
    permissions: [
      ...existing.permissions.map(({ group_id, can_read, can_write, can_approve }) => ({ group_id, can_read, can_write, can_approve })),
      { group_id: readers.id, can_read: true, can_write: false, can_approve: false },
      { group_id: owners.id, can_read: true, can_write: false, can_approve: false },
    ],
  });

  // --- The owner saves a query, changes it, picks a pie chart and saves again.
  await signIn(page, owner.email, password);
  await pickDemo(page);
  const title = `Customers per country ${unique}`;
  await setSql(page, V1);
  await save(page, title);
  await expect(page.getByRole("tab", { name: title })).toHaveAttribute("aria-selected", "true");
  await setSql(page, V2);
  await run(page);
  await page.getByRole("tab", { name: "Chart" }).click();
  const chart = page.getByTestId("results-chart");
  await chart.getByText("Pie", { exact: true }).click();
  await expect(chart.locator(".recharts-pie").first()).toBeVisible();
  await save(page);

  // --- The history shows both versions and the diff between them.
  await page.getByRole("tab", { name: "Saved", exact: true }).click();
  const item = page.getByTestId("saved-query").filter({ hasText: title });
  await expect(item).toContainText("v2");
  await itemAction(page, title, "Versions…");
  const versions = page.getByRole("dialog", { name: `Versions of “${title}”` });
  await expect(versions.getByTestId("saved-query-version")).toHaveCount(2);
  await versions.getByRole("button", { name: "Changes" }).click();
  const diff = versions.getByTestId("version-diff");
  await expect(diff.locator('tr[data-kind="remove"]')).toHaveCount(1);
  await expect(diff.locator('tr[data-kind="remove"]')).toContainText("SELECT country, count(*) AS customers");
  await expect(diff.locator('tr[data-kind="add"]')).toHaveCount(2);
  await expect(diff.locator('tr[data-kind="add"]').last()).toContainText("ORDER BY n DESC");
  await expect(diff).toContainText("Also changed: chart");
  await diff.getByText("Side by side").click();
  await expect(diff.getByTestId("version-diff-split")).toBeVisible();
  await expect(diff.getByTestId("version-diff-split").locator('td[data-kind="remove"]')).toContainText("AS customers");
  await page.waitForTimeout(300);
  await page.screenshot({ path: `${SCREENSHOTS}/saved-query-diff.png` });
  await page.keyboard.press("Escape");
  await expect(versions).toBeHidden();

  // --- Reopened, the query's results come back as the pie chart.
  await page.getByRole("button", { name: `Close ${title}` }).click();
  await item.getByText(title, { exact: true }).click();
  await expect(page.getByRole("tab", { name: title })).toHaveAttribute("aria-selected", "true");
  await run(page);
  await expect(page.getByRole("tab", { name: "Chart" })).toHaveAttribute("aria-selected", "true");
  await expect(chart.getByRole("radio", { name: "Pie" })).toBeChecked();
  await expect(chart.locator(".recharts-pie").first()).toBeVisible();

  // --- A folder: made, the query moved into it, the list filtered by it.
  const folder = `Geo ${unique}`;
  await page.getByRole("button", { name: "Manage folders" }).click();
  await page.getByRole("menuitem", { name: "New folder…" }).click();
  const newFolder = page.getByRole("dialog", { name: "New folder" });
  await newFolder.getByRole("textbox", { name: "Folder name" }).fill(folder);
  await newFolder.getByRole("button", { name: "Save" }).click();
  await expect(newFolder).toBeHidden();
  await expect(page.getByRole("combobox", { name: "Folder" })).toHaveValue(`${folder} (0)`);
  await expect(page.getByTestId("saved-list")).toContainText("No saved query matches.");
  await pickFolder(page, "All folders");
  await itemAction(page, title, "Move to folder…");
  const move = page.getByRole("dialog", { name: `Move “${title}”` });
  await move.getByRole("combobox", { name: "Folder" }).click();
  await page.getByRole("option", { name: folder }).click();
  await move.getByRole("button", { name: "Move" }).click();
  await expect(move).toBeHidden();
  await pickFolder(page, `${folder} (1)`);
  await expect(item).toBeVisible();
  await pickFolder(page, "No folder");
  await expect(item).toHaveCount(0);
  await pickFolder(page, "All folders");

  // --- Shared read-only with the readers' group.
  await itemAction(page, title, "Share with groups…");
  const share = page.getByRole("dialog", { name: `Share “${title}” with groups` });
  await share.getByLabel("Groups").click();
  await page.getByRole("option", { name: `SQ readers ${unique}` }).click();
  // Leaving the field closes its dropdown, which covers the button.
  await share.getByLabel("Groups").press("Tab");
  await share.getByRole("button", { name: "Save sharing" }).click();
  await expect(share).toBeHidden();
  await expect(item).toContainText(`SQ readers ${unique}`);
  await signOut(page);

  // --- The member sees it, read-only, and can open its history but not delete it.
  await signIn(page, member.email, password);
  await page.getByRole("tab", { name: "Saved", exact: true }).click();
  const theirs = page.getByTestId("saved-query").filter({ hasText: title });
  await expect(theirs).toBeVisible();
  await expect(theirs).toContainText("read-only");
  await expect(theirs).toContainText(owner.email);
  await theirs.getByRole("button", { name: `Actions for ${title}` }).click();
  await expect(page.getByRole("menuitem", { name: "Versions…" })).toBeVisible();
  await expect(page.getByRole("menuitem", { name: "Delete" })).toHaveCount(0);
  await expect(page.getByRole("menuitem", { name: "Share with groups…" })).toHaveCount(0);
  await page.keyboard.press("Escape");
  await page.screenshot({ path: `${SCREENSHOTS}/saved-query-shared.png` });
  await theirs.getByText(title, { exact: true }).click();
  await expect(page.getByTestId("sql-editor").locator(".view-lines")).toContainText("ORDER BY n DESC");
});

test("a revoked share link stops working in the share page and the API", async ({ page, browser, request }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await signInAsAdmin(page);
  await expect(page.getByTestId("sql-editor").locator(".monaco-editor")).toBeVisible({ timeout: 30_000 });
  await pickDemo(page);
  await page.getByRole("button", { name: "New query tab" }).click();
  const marker = `revoke_${Date.now()}`;
  await setSql(page, `SELECT name AS ${marker} FROM regions ORDER BY name`);
  await run(page);
  await page.getByRole("button", { name: "Share" }).click();
  const dialog = page.getByRole("dialog", { name: "Share this result" });
  await dialog.getByRole("button", { name: "Create link" }).click();
  const link = await dialog.getByTestId("share-link").inputValue();
  const path = new URL(link).pathname;
  const id = path.split("/").pop()!;
  await page.keyboard.press("Escape");

  const stranger = await browser.newContext();
  const visitor = await stranger.newPage();
  await visitor.goto(link);
  await expect(visitor.getByTestId("results-grid").getByRole("gridcell").first()).toBeVisible();
  expect((await request.get(`/api/v1/share-links/${id}/result`)).status()).toBe(200);

  // The link is in the list, opened twice (the page and the API).
  await page.getByRole("tab", { name: "Saved", exact: true }).click();
  await page.getByRole("button", { name: "Your share links" }).click();
  const links = page.getByRole("dialog", { name: "Your share links" });
  const row = links.locator(`[data-testid="share-link-row"][data-link="${path}"]`);
  await expect(row).toContainText(marker);
  await expect(row).toContainText("active");
  await expect(row.getByRole("cell").nth(3)).toHaveText("2");
  await row.getByRole("button", { name: "Revoke" }).click();
  await page.getByRole("dialog", { name: "Revoke this link?" }).getByRole("button", { name: "Revoke link" }).click();
  await expect(row).toHaveCount(0);
  await links.getByRole("switch", { name: "Show revoked and expired links" }).check();
  await expect(row).toContainText("revoked");

  await visitor.reload();
  await expect(visitor.getByRole("heading", { name: "Link expired or not found" })).toBeVisible();
  expect((await request.get(`/api/v1/share-links/${id}/result`)).status()).toBe(404);
  await stranger.close();
});
