import { readFile } from "node:fs/promises";
import net from "node:net";
import { parse } from "csv-parse/sync";
import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { E2E_ADMIN, signInAsAdmin } from "./fixtures";

/**
 * Issue #14's admin and accessibility pieces: a data source that cannot connect is saved
 * only by an explicit "Save anyway", the filtered audit log downloads as CSV and JSON,
 * the shell's skip link is the first tab stop, and every page fits an 800 px window.
 */

async function adminToken(request: APIRequestContext): Promise<string> {
  const res = await request.post("/api/v1/auth/login", { data: { email: E2E_ADMIN.email, password: E2E_ADMIN.password } });
  expect(res.status()).toBe(200);
  return (await res.json()).access_token as string;
}

/** A loopback port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function sourceNames(request: APIRequestContext, token: string): Promise<string[]> {
  const res = await request.get("/api/v1/datasources?page_size=200", { headers: { authorization: `Bearer ${token}` } });
  return ((await res.json()).data as { name: string }[]).map((s) => s.name);
}

async function addSource(page: Page, name: string, port: number) {
  await page.getByRole("button", { name: "Add data source" }).click();
  const dialog = page.getByRole("dialog", { name: "Add a data source" });
  await dialog.getByRole("textbox", { name: "Name", exact: true }).fill(name);
  await dialog.getByRole("textbox", { name: "Host" }).fill("127.0.0.1");
  await dialog.getByRole("textbox", { name: "Port" }).fill(String(port));
  await dialog.getByRole("textbox", { name: "Database" }).fill("test");
  await dialog.getByRole("button", { name: "Add data source" }).click();
  return dialog;
}

test("a source at a closed port is not saved until the admin chooses Save anyway; over the API it is created untested", async ({ page, request }) => {
  const token = await adminToken(request);
  const port = await closedPort();
  const name = `Closed port ${Date.now().toString(36)}`;
  await page.setViewportSize({ width: 1440, height: 900 });
  await signInAsAdmin(page);
  await page.goto("/admin");

  const dialog = await addSource(page, name, port);
  const failure = dialog.getByTestId("ds-test-failure");
  await expect(failure).toContainText("The connection test failed");
  await expect(failure).toContainText(/ECONNREFUSED|refused|connect/i);
  // Tested, failed, and not saved.
  expect(await sourceNames(request, token)).not.toContain(name);
  await expect(dialog.getByRole("button", { name: "Test again" })).toBeVisible();
  // Editing a field withdraws the offer: the new settings are untested.
  await dialog.getByRole("textbox", { name: "Database" }).fill("test2");
  await expect(failure).toBeHidden();
  await dialog.getByRole("button", { name: "Add data source" }).click();
  await expect(failure).toBeVisible();
  expect(await sourceNames(request, token)).not.toContain(name);

  await failure.getByRole("button", { name: "Save anyway" }).click();
  await expect(dialog).toBeHidden();
  const row = page.locator(`[data-testid="datasource-row"][data-name="${name}"]`);
  await expect(row).toBeVisible();
  await expect(row.getByTestId("ds-health")).toHaveAttribute("data-ok", "false");
  expect(await sourceNames(request, token)).toContain(name);

  // The documents' clients create sources without a test, as before.
  const apiName = `${name} api`;
  const created = await request.post("/api/v1/datasources", {
    headers: { authorization: `Bearer ${token}` },
    data: { name: apiName, type: "postgresql", host: "127.0.0.1", port, database_name: "test" },
  });
  expect(created.status()).toBe(201);
});

test("a working source saves at once", async ({ page, request }) => {
  const token = await adminToken(request);
  const demo = ((await (await request.get("/api/v1/datasources", { headers: { authorization: `Bearer ${token}` } })).json()).data as { name: string; type: string; database_name: string }[]).find(
    (s) => s.type === "sqlite",
  )!;
  const name = `Working ${Date.now().toString(36)}`;
  await page.setViewportSize({ width: 1440, height: 900 });
  await signInAsAdmin(page);
  await page.goto("/admin");
  await page.getByRole("button", { name: "Add data source" }).click();
  const dialog = page.getByRole("dialog", { name: "Add a data source" });
  await dialog.getByRole("textbox", { name: "Name", exact: true }).fill(name);
  await dialog.getByText("SQLite", { exact: true }).click();
  await dialog.getByRole("textbox", { name: "Database file" }).fill(demo.database_name);
  await dialog.getByRole("button", { name: "Add data source" }).click();
  await expect(dialog).toBeHidden();
  await expect(page.locator(`[data-testid="datasource-row"][data-name="${name}"]`)).toBeVisible();
});

test("the audit tab shows who by name, and downloads the filtered log as CSV and JSON", async ({ page, request }) => {
  const token = await adminToken(request);
  const headers = { authorization: `Bearer ${token}` };
  const me = (await (await request.get("/api/v1/auth/me", { headers })).json()) as { id: string; username: string; full_name?: string };
  const expectedName = me.full_name || me.username;
  const name = `Audited ${Date.now().toString(36)}`;
  const demo = ((await (await request.get("/api/v1/datasources", { headers })).json()).data as { type: string; database_name: string }[]).find((s) => s.type === "sqlite")!;
  expect((await request.post("/api/v1/datasources", { headers, data: { name, type: "sqlite", database_name: demo.database_name } })).status()).toBe(201);

  await page.setViewportSize({ width: 1440, height: 900 });
  await signInAsAdmin(page);
  await page.goto("/admin?tab=audit");
  await page.getByPlaceholder("Any action").fill("create_data_source");
  await page.keyboard.press("Escape");
  const rows = page.getByTestId("audit-row");
  await expect(rows.first()).toHaveAttribute("data-action", "create_data_source");
  await expect(page.locator('[data-testid="audit-row"]:not([data-action="create_data_source"])')).toHaveCount(0);
  await expect(rows.first().getByTestId("audit-actor")).toContainText(expectedName);

  await page.getByTestId("audit-export").click();
  const [csvDownload] = await Promise.all([page.waitForEvent("download"), page.getByRole("menuitem", { name: "CSV" }).click()]);
  expect(csvDownload.suggestedFilename()).toMatch(/^audit-.*\.csv$/);
  const csv = parse(await readFile((await csvDownload.path())!, "utf8"), { columns: true }) as Record<string, string>[];
  expect(csv.length).toBeGreaterThan(0);
  expect(new Set(csv.map((r) => r.action))).toEqual(new Set(["create_data_source"]));
  const ours = csv.find((r) => JSON.parse(r.details!).name === name);
  expect(ours).toMatchObject({ actor_name: expectedName, outcome: "success", user_id: me.id });

  await page.getByTestId("audit-export").click();
  const [jsonDownload] = await Promise.all([page.waitForEvent("download"), page.getByRole("menuitem", { name: "JSON" }).click()]);
  const json = JSON.parse(await readFile((await jsonDownload.path())!, "utf8")) as { action: string; details: { name?: string } }[];
  expect(json.length).toBe(csv.length);
  expect(json.every((e) => e.action === "create_data_source")).toBe(true);
  expect(json.some((e) => e.details.name === name)).toBe(true);

  // Admins only, and never without a session.
  expect((await request.get("/api/audit/export?format=csv", { headers: { authorization: "" } })).status()).toBe(401);
  const email = `auditless-${Date.now().toString(36)}@e2e.test`;
  expect((await request.post("/api/v1/auth/users", { headers, data: { email, password: "auditless-pass-1", full_name: "No Audit", role: "analyst" } })).status()).toBe(201);
  const analyst = await request.post("/api/v1/auth/login", { data: { email, password: "auditless-pass-1" } });
  const analystToken = (await analyst.json()).access_token as string;
  expect((await request.get("/api/audit/export", { headers: { authorization: `Bearer ${analystToken}` } })).status()).toBe(403);
});

/** Moves keyboard focus to the start of the document, as a fresh page load has it. */
function focusDocumentStart() {
  document.body.tabIndex = -1;
  document.body.focus();
  document.body.removeAttribute("tabindex");
}

test("the skip link is the first tab stop and moves focus past the navigation to the page", async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await signInAsAdmin(page);
  await expect(page.getByTestId("sql-editor").locator(".monaco-editor")).toBeVisible({ timeout: 30_000 });
  // The editor takes focus once Monaco is ready; start from the top of the document instead.
  await expect.poll(() => page.evaluate(() => Boolean(document.activeElement?.closest(".monaco-editor")))).toBe(true);
  await page.evaluate(focusDocumentStart);
  await page.keyboard.press("Tab");
  const skip = page.getByRole("link", { name: "Skip to main content" });
  await expect(skip).toBeFocused();
  await expect(skip).toBeInViewport();
  await page.keyboard.press("Enter");
  // The editor marks its toolbar as where the page starts: the navigation and the schema are skipped.
  await expect(page.getByRole("toolbar", { name: "Editor actions" })).toBeFocused();
  let stops = 0;
  while (stops < 40 && !(await page.getByTestId("run-button").evaluate((el) => el === document.activeElement))) {
    await page.keyboard.press("Tab");
    stops++;
  }
  expect(stops).toBeLessThanOrEqual(RUN_TAB_STOPS);

  // Elsewhere it lands on the page itself.
  await page.goto("/templates");
  await expect(page.locator("h1")).toHaveCount(1);
  await page.evaluate(focusDocumentStart);
  await page.keyboard.press("Tab");
  await expect(skip).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page.locator("#main-content")).toBeFocused();
});

/** Tab stops from where the skip link lands to the editor's Run button: the data source, then Run. */
const RUN_TAB_STOPS = 2;

const PAGES = [
  "/editor", "/ask", "/chat", "/templates", "/dictionary", "/pipelines", "/approvals", "/usage", "/analytics", "/admin", "/settings", "/settings/security",
];

test("at 800 px wide the navigation is a burger and no page scrolls sideways", async ({ page }) => {
  test.setTimeout(180_000);
  await page.setViewportSize({ width: 800, height: 900 });
  await signInAsAdmin(page);
  const burger = page.getByRole("button", { name: "Toggle navigation" });
  const nav = page.getByRole("navigation", { name: "Main navigation" });
  await expect(burger).toBeVisible();
  await expect(nav.getByRole("link", { name: "Chat" })).not.toBeInViewport();
  await burger.click();
  await expect(nav.getByRole("link", { name: "Chat" })).toBeInViewport();
  await burger.click();
  const overflow: string[] = [];
  for (const path of [...PAGES, "/login"]) {
    if (path === "/login") await page.context().clearCookies();
    await page.goto(path);
    await expect(page.locator("h1")).toHaveCount(1, { timeout: 15_000 });
    await page.waitForLoadState("networkidle");
    const { scrollWidth, clientWidth } = await page.evaluate(() => ({
      scrollWidth: document.scrollingElement!.scrollWidth,
      clientWidth: document.scrollingElement!.clientWidth,
    }));
    if (scrollWidth > clientWidth) overflow.push(`${path}: ${scrollWidth} > ${clientWidth}`);
  }
  expect(overflow).toEqual([]);
});

test("a monthly series charts on a time axis, titled, with the small measure on a right axis", async ({ page }) => {
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.setViewportSize({ width: 1440, height: 900 });
  await signInAsAdmin(page);
  await expect(page.getByTestId("sql-editor").locator(".monaco-editor")).toBeVisible({ timeout: 30_000 });
  const select = page.getByRole("combobox", { name: "Data source" });
  await select.click();
  if (await select.isEditable()) await select.fill("Demo retail");
  await page.getByRole("option", { name: /^Demo retail \(SQLite\)/ }).click();
  await page.getByTestId("sql-editor").locator(".monaco-editor .view-lines").click();
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.press("Delete");
  await page.keyboard.insertText("SELECT month, revenue, orders FROM monthly_revenue");
  await page.keyboard.press("Escape");
  await page.getByTestId("run-button").click();
  await page.getByRole("tab", { name: "Chart" }).click();
  const area = page.getByTestId("chart-area");
  await expect(area).toHaveAttribute("data-time-axis", "true");
  await expect(area).toHaveAttribute("data-right-axis", "orders");
  // Axis titles are SVG text (the legend is HTML).
  const labels = area.locator("svg text");
  await expect(labels.filter({ hasText: /^month$/ })).toHaveCount(1);
  await expect(labels.filter({ hasText: /^revenue$/ })).toHaveCount(1);
  await expect(labels.filter({ hasText: /^orders$/ })).toHaveCount(1);
  // Ticks read as dates, not epoch numbers.
  await expect(labels.filter({ hasText: /^[A-Z][a-z]{2} \d{4}$/ }).first()).toBeVisible();
  await expect(labels.filter({ hasText: /^\d{12,}$/ })).toHaveCount(0);
  // The tooltip over a point names its date.
  const box = (await area.locator(".recharts-surface").first().boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await expect(page.locator(".recharts-tooltip-wrapper")).toContainText(/\d{4}/);
  expect(errors).toEqual([]);
});
