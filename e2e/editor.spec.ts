import { expect, test, type Page } from "@playwright/test";
import { newTab, openEditor, pickDemo, setSql } from "./editor-fixtures";

const SCREENSHOTS = "test-results/screenshots";
const BY_COUNTRY = "SELECT c.country, count(*) AS customers FROM customers c GROUP BY c.country ORDER BY customers DESC";

const grid = (page: Page) => page.getByTestId("results-grid");
const footer = (page: Page) => page.getByTestId("results-footer");

test("write, run, chart, save and reopen a query", async ({ page }) => {
  await openEditor(page);
  await pickDemo(page);

  await setSql(page, BY_COUNTRY, true);
  await page.keyboard.press("ControlOrMeta+Enter");
  await expect(grid(page).getByRole("columnheader", { name: /country/ })).toBeVisible();
  await expect(grid(page).getByRole("gridcell").first()).toBeVisible();
  await expect(footer(page)).toContainText(/\d+ rows in \d/);
  expect(await grid(page).getByRole("row").count()).toBeGreaterThan(5);

  // Sorting by a header is client-side and keeps every row.
  await grid(page).getByRole("columnheader", { name: /country/ }).click();
  await expect(grid(page).getByRole("columnheader", { name: /country/ })).toHaveAttribute("aria-sort", "ascending");

  await page.mouse.move(1100, 330);
  await page.screenshot({ path: `${SCREENSHOTS}/editor.png` });

  await page.getByRole("tab", { name: "Chart" }).click();
  await expect(page.getByTestId("results-chart").locator("svg.recharts-surface").first()).toBeVisible();
  await expect(page.getByTestId("results-chart").locator(".recharts-bar-rectangle").first()).toBeVisible();
  await page.screenshot({ path: `${SCREENSHOTS}/editor-chart.png` });

  // Dark mode: Monaco and the chart follow Mantine's scheme.
  await page.getByTestId("theme-toggle").click();
  await expect(page.locator("html")).toHaveAttribute("data-mantine-color-scheme", "dark");
  await page.getByRole("tab", { name: "Grid" }).click();
  await expect(page.getByTestId("sql-editor").locator(".monaco-editor.vs-dark")).toBeVisible();
  await page.mouse.move(1100, 330);
  await expect(page.getByRole("tooltip")).toHaveCount(0);
  await page.screenshot({ path: `${SCREENSHOTS}/editor-dark.png` });
  await page.getByTestId("theme-toggle").click();
  await expect(page.locator("html")).toHaveAttribute("data-mantine-color-scheme", "light");

  const title = `Customers by country ${Date.now()}`;
  await page.getByRole("toolbar", { name: "Editor actions" }).getByRole("button", { name: "Save" }).click();
  const dialog = page.getByRole("dialog", { name: "Save query" });
  await dialog.getByRole("textbox", { name: "Title" }).fill(title);
  await dialog.getByRole("textbox", { name: "Description" }).fill("How many customers each country has");
  await dialog.getByLabel("Tags").fill("geo");
  await dialog.getByLabel("Tags").press("Enter");
  await dialog.getByRole("button", { name: "Save", exact: true }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole("tab", { name: title })).toHaveAttribute("aria-selected", "true");

  // Close it, then find it in the Saved panel and load it back.
  await page.getByRole("button", { name: `Close ${title}` }).click();
  await expect(page.getByRole("tab", { name: title })).toHaveCount(0);
  await page.getByRole("tab", { name: "Saved", exact: true }).click();
  await page.getByRole("textbox", { name: "Search saved queries" }).fill(title.slice(0, 28));
  const item = page.getByTestId("saved-query").filter({ hasText: title });
  await expect(item).toBeVisible();
  await expect(item).toContainText("#geo");
  await item.getByText(title, { exact: true }).click();
  await expect(page.getByRole("tab", { name: title })).toHaveAttribute("aria-selected", "true");
  await expect(page.getByTestId("sql-editor").locator(".view-lines")).toContainText("c.country");

  // History lists the run.
  await page.getByRole("tab", { name: "History" }).click();
  await expect(page.getByTestId("history-list")).toContainText("c.country");
});

test("a syntax error shows the message and a marker in the editor", async ({ page }) => {
  await openEditor(page);
  await pickDemo(page);
  await newTab(page);
  await setSql(page, "SELECT country,\nFROM customers WHERE");
  await page.keyboard.press("ControlOrMeta+Enter");
  await expect(page.getByTestId("query-error")).toBeVisible();
  await expect(page.getByTestId("query-error")).toContainText('Trailing comma before "FROM" at line 2, column 1');
  // SQLite names the token it stopped at; the marker and the "go to" button point there.
  await expect(page.getByRole("button", { name: /Go to line 2, column 1/ })).toBeVisible();
  await expect(page.getByTestId("sql-editor").locator(".squiggly-error").first()).toBeAttached();
  await page.screenshot({ path: `${SCREENSHOTS}/editor-error.png` });
});

test("10,000 rows render, scroll and stay virtualised", async ({ page }) => {
  await openEditor(page);
  await pickDemo(page);
  await newTab(page);
  await setSql(page, "SELECT * FROM order_items");
  await page.getByTestId("run-button").click();
  await expect(footer(page)).toContainText("10,000 rows", { timeout: 30_000 });
  await expect(page.getByTestId("truncated-badge")).toContainText("truncated at 10,000 rows");

  // Only what is on screen is in the DOM.
  expect(await grid(page).getByRole("row").count()).toBeLessThan(80);
  const box = await grid(page).boundingBox();
  await page.mouse.move(box!.x + box!.width / 2, box!.y + box!.height / 2);
  for (let i = 0; i < 5; i += 1) await page.mouse.wheel(0, 4000);
  await grid(page).evaluate((el) => (el.scrollTop = el.scrollHeight));
  await expect(grid(page).getByRole("rowheader", { name: "10000", exact: true })).toBeVisible();
  await page.screenshot({ path: `${SCREENSHOTS}/editor-10k.png` });

  // Client-side sort of 10,000 rows.
  await grid(page).getByRole("columnheader", { name: /quantity/ }).click();
  await expect(grid(page).getByRole("columnheader", { name: /quantity/ })).toHaveAttribute("aria-sort", "ascending");
});

test("a long query shows its progress and can be cancelled", async ({ page }) => {
  await openEditor(page);
  await pickDemo(page);
  await newTab(page);
  await setSql(page, "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 300000000) SELECT count(*) FROM n");
  await page.keyboard.press("ControlOrMeta+Enter");
  const status = page.getByTestId("run-status");
  await expect(status).toContainText("Running on the database");
  await expect(status.getByRole("progressbar")).toBeVisible();
  await status.getByRole("button", { name: "Cancel query" }).click();
  await expect(page.getByText("Query cancelled")).toBeVisible({ timeout: 20_000 });
});

test("the schema browser runs a table preview", async ({ page }) => {
  await openEditor(page);
  await pickDemo(page);
  await page.getByRole("button", { name: "Actions for products" }).click();
  await page.getByRole("menuitem", { name: /SELECT \* … LIMIT 100/ }).click();
  await expect(page.getByRole("tab", { name: "products" })).toHaveAttribute("aria-selected", "true");
  await expect(footer(page)).toContainText("100 rows");
  await page.getByRole("button", { name: "Expand customers" }).click();
  await expect(page.getByRole("list", { name: "Columns of customers" })).toContainText("region_id");

  // Completion knows the schema: after `c.` it offers the aliased table's columns.
  await newTab(page);
  await setSql(page, "select * from customers c where ");
  await page.keyboard.type("c.");
  await expect(page.locator(".monaco-editor .suggest-widget")).toContainText("country");
  await page.keyboard.press("Escape");
  await page.keyboard.type("country = 'France'");

  // Format rewrites the statement through the server.
  await page.getByRole("button", { name: "Format" }).click();
  await expect.poll(() => page.getByTestId("sql-editor").locator(".view-line").count()).toBeGreaterThan(1);
  await expect(page.getByTestId("sql-editor").locator(".view-lines")).toContainText("c.country = 'France'");
});

test("a write is submitted for approval", async ({ page }) => {
  await openEditor(page);
  await pickDemo(page);
  await newTab(page);
  await setSql(page, "DELETE FROM payments WHERE id = -1");
  await page.keyboard.press("ControlOrMeta+Enter");
  await expect(page.getByTestId("approval-notice")).toContainText("Submitted for approval (risk:");
  await expect(page.getByTestId("approval-notice").getByRole("link", { name: /Approvals/ })).toHaveAttribute("href", "/approvals");
});

test("a shared result opens without signing in, behind its password", async ({ page, browser }) => {
  await openEditor(page);
  await pickDemo(page);
  await newTab(page);
  await setSql(page, "SELECT name, code FROM regions ORDER BY name");
  await page.keyboard.press("ControlOrMeta+Enter");
  await expect(footer(page)).toContainText("rows in");

  await page.getByRole("button", { name: "Share" }).click();
  const dialog = page.getByRole("dialog", { name: "Share this result" });
  await dialog.getByRole("textbox", { name: "Password (optional)" }).fill("sesame");
  await dialog.getByRole("button", { name: "Create link" }).click();
  const link = await dialog.getByTestId("share-link").inputValue();
  expect(link).toMatch(/\/share\/[\w-]+$/);

  const stranger = await browser.newContext();
  const visitor = await stranger.newPage();
  await visitor.goto(link);
  await visitor.getByRole("textbox", { name: "Password" }).fill("wrong");
  await visitor.getByRole("button", { name: "Open result" }).click();
  await expect(visitor.getByText("Wrong password")).toBeVisible();
  await visitor.getByRole("textbox", { name: "Password" }).fill("sesame");
  await visitor.getByRole("button", { name: "Open result" }).click();
  await expect(visitor.getByTestId("shared-by")).toContainText("admin@e2e.test");
  await expect(visitor.getByTestId("results-grid").getByRole("gridcell").first()).toBeVisible();
  await expect(visitor.getByTestId("shared-sql").locator(".monaco-editor")).toBeVisible({ timeout: 30_000 });
  await visitor.screenshot({ path: `${SCREENSHOTS}/share.png` });

  await visitor.goto("/share/no-such-link");
  await expect(visitor.getByRole("heading", { name: "Link expired or not found" })).toBeVisible();
  await stranger.close();
});
