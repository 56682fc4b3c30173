import AxeBuilder from "@axe-core/playwright";
import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { apiLogin } from "./api-fixtures";
import { openEditor, setSql } from "./editor-fixtures";
import { E2E_ADMIN, signInAsAdmin } from "./fixtures";

/**
 * The workbench tried as a new analyst would (issue #14): no silent traps in the grid's
 * sort, the data-source switch or the admin's role menu; a favicon, a main heading on
 * every page, and axe-core's serious checks on the pages that pass them.
 */
const DEMO = "Demo retail (SQLite)";

const adminToken = (request: APIRequestContext) => apiLogin(request, E2E_ADMIN.email, E2E_ADMIN.password);

async function pick(page: Page, name: string): Promise<void> {
  const select = page.getByRole("combobox", { name: "Data source" });
  await select.click();
  // Past six sources the list is searchable: type the name, as a person would in a long list.
  if (await select.isEditable()) await select.fill(name);
  await page.getByRole("option", { name: new RegExp(`^${name.replace(/[()]/g, "\\$&")}`) }).click();
  await expect(select).toHaveValue(name);
}

const grid = (page: Page) => page.getByTestId("results-grid");

test("a column sort says it ran in the browser, and over only the rows fetched when the result was capped", async ({ page }) => {
  await openEditor(page);
  await pick(page, DEMO);
  await page.getByRole("button", { name: "New query tab" }).click();
  await setSql(page, "SELECT * FROM order_items");
  await page.getByTestId("run-button").click();
  await expect(page.getByTestId("truncated-badge")).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId("local-sort-notice")).toHaveCount(0);
  await grid(page).getByRole("columnheader", { name: /unit_price/ }).click();
  await grid(page).getByRole("columnheader", { name: /unit_price/ }).click();
  const notice = page.getByTestId("local-sort-notice");
  await expect(notice).toHaveAttribute("data-partial", "");
  await expect(notice).toContainText("only the 10,000 rows fetched are in order, not the whole result");
  await expect(notice).toContainText("ORDER BY unit_price DESC");

  // A complete result sorts all of its rows, and says that too.
  await setSql(page, "SELECT name, code FROM regions");
  await page.getByTestId("run-button").click();
  await expect(page.getByTestId("truncated-badge")).toHaveCount(0);
  await grid(page).getByRole("columnheader", { name: /name/ }).click();
  await expect(page.getByTestId("local-sort-notice")).toContainText("in the browser (all");
  await expect(page.getByTestId("local-sort-notice")).not.toHaveAttribute("data-partial", "");
});

test("choosing another data source clears the previous source's result", async ({ page, request }) => {
  const token = await adminToken(request);
  const headers = { authorization: `Bearer ${token}` };
  const sources = (await (await request.get("/api/v1/datasources", { headers })).json()).data as { name: string; database_name: string }[];
  const demo = sources.find((s) => s.name === DEMO)!;
  const second = `Demo copy ${Date.now().toString(36)}`;
  const created = await request.post("/api/v1/datasources", { headers, data: { name: second, type: "sqlite", database_name: demo.database_name } });
  expect(created.status()).toBe(201);
  // A group of the admin's own may read it (the editor lists what the caller's groups may read).
  const me = (await (await request.get("/api/v1/auth/me", { headers })).json()) as { id: string };
  const group = await request.post("/api/v1/groups", { headers, data: { name: `readers-${second}` } });
  expect(group.status()).toBe(201);
  const groupId = (await group.json()).id as string;
  expect((await request.post(`/api/v1/groups/${groupId}/users`, { headers, data: { user_id: me.id } })).status()).toBe(200);
  const granted = await request.put(`/api/v1/datasources/${(await created.json()).id}/permissions`, {
    headers,
    data: { permissions: [{ group_id: groupId, can_read: true }] },
  });
  expect(granted.status()).toBe(200);

  await openEditor(page);
  await pick(page, DEMO);
  await page.getByRole("button", { name: "New query tab" }).click();
  await setSql(page, "SELECT name FROM regions");
  await page.getByTestId("run-button").click();
  await expect(grid(page)).toBeVisible({ timeout: 30_000 });
  await pick(page, second);
  await expect(grid(page)).toHaveCount(0);
  await expect(page.getByText("Run a query to see its results")).toBeVisible();
});

test("an admin confirms a role change before it happens", async ({ page, request }) => {
  const token = await adminToken(request);
  const email = `role-${Date.now().toString(36)}@e2e.test`;
  const created = await request.post("/api/v1/auth/users", {
    headers: { authorization: `Bearer ${token}` },
    data: { email, password: "role-change-pass-1", full_name: "Rita Role", role: "viewer" },
  });
  expect(created.status()).toBe(201);

  await page.setViewportSize({ width: 1440, height: 900 });
  await signInAsAdmin(page);
  await page.goto("/admin");
  await page.getByRole("tab", { name: "Users" }).click();
  const role = page.getByRole("textbox", { name: `Role of ${email}` }).or(page.getByRole("combobox", { name: `Role of ${email}` }));
  await role.click();
  await page.getByRole("option", { name: /^analyst/i }).click();
  const dialog = page.getByRole("dialog", { name: "Change role?" });
  await expect(dialog).toContainText(`${email} goes from viewer to analyst`);
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toBeHidden();
  await expect(role).toHaveValue(/^viewer$/i);
  const unchanged = await request.get(`/api/v1/auth/users/${(await created.json()).id}`, { headers: { authorization: `Bearer ${token}` } });
  expect((await unchanged.json()).role).toBe("viewer");

  await role.click();
  await page.getByRole("option", { name: /^analyst/i }).click();
  await page.getByRole("dialog", { name: "Change role?" }).getByRole("button", { name: "Make analyst" }).click();
  await expect(page.getByText("Role changed")).toBeVisible();
  await expect(role).toHaveValue(/^analyst$/i);
});

test("the app has a favicon", async ({ page, request }) => {
  const ico = await request.get("/favicon.ico");
  expect(ico.status()).toBe(200);
  expect(ico.headers()["content-type"]).toMatch(/image/);
  await page.goto("/login");
  const icon = page.locator('head link[rel="icon"]');
  expect(await icon.count()).toBeGreaterThan(0);
  const href = await icon.first().getAttribute("href");
  expect((await request.get(href!)).status()).toBe(200);
});

const PAGES = ["/editor", "/ask", "/chat", "/templates", "/dictionary", "/pipelines", "/approvals", "/admin", "/settings", "/settings/security"];

test("every page has one main heading", async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await signInAsAdmin(page);
  for (const path of PAGES) {
    await page.goto(path);
    await expect(page.locator("h1"), path).toHaveCount(1, { timeout: 15_000 });
  }
  await page.context().clearCookies();
  await page.goto("/login");
  await expect(page.locator("h1")).toHaveCount(1);
});

/**
 * Every page, in the light and the dark theme. Monaco's own DOM is left out: it draws
 * its text as absolutely positioned spans over a hidden textarea (the real input, which
 * carries the editor's label), so axe measures contrast on layers no one reads and
 * flags roles Monaco assigns itself; Quarry cannot change that markup.
 */
const AXE_PAGES = ["/login", ...PAGES];
const MONACO = ".monaco-editor";

test("axe-core: no serious or critical violations", async ({ page }) => {
  test.setTimeout(420_000);
  await page.setViewportSize({ width: 1440, height: 900 });
  const results: { scheme: string; result: Awaited<ReturnType<AxeBuilder["analyze"]>> }[] = [];
  const check = async (scheme: string) => {
    await expect(page.locator("html")).toHaveAttribute("data-mantine-color-scheme", scheme);
    results.push({ scheme, result: await new AxeBuilder({ page }).exclude(MONACO).analyze() });
  };
  for (const scheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.context().clearCookies();
    await page.goto("/login");
    await check(scheme);
    await signInAsAdmin(page);
    for (const path of AXE_PAGES.filter((p) => p !== "/login")) {
      await page.goto(path);
      await expect(page.locator("h1")).toHaveCount(1, { timeout: 15_000 });
      if (path === "/editor") await expect(page.getByTestId("sql-editor").locator(MONACO)).toBeVisible({ timeout: 30_000 });
      await page.waitForLoadState("networkidle");
      await check(scheme);
    }
  }
  const serious = results.flatMap(({ scheme, result: r }) =>
    r.violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => `${scheme} ${r.url}: ${v.id} (${v.nodes.length}) ${v.help} :: ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | ")}`),
  );
  if (process.env.AXE_SURVEY) {
    for (const { scheme, result: r } of results) for (const v of r.violations.filter((x) => x.impact === "serious" || x.impact === "critical")) {
      for (const n of v.nodes.slice(0, 6)) console.log(`[axe] ${scheme} ${r.url} ${v.id} ${n.target.join(" ")} :: ${n.html.slice(0, 160)} :: ${(n.any[0]?.message ?? "").slice(0, 160)}`);
    }
  }
  expect(serious).toEqual([]);
});
