import path from "node:path";
import Database from "better-sqlite3";
import { expect, test, type Page } from "@playwright/test";
import { signInAsAdmin } from "./fixtures";

/**
 * Natural-language questions with the built-in engine on the demo database: ask, review
 * the SQL, run it; then give a table an alias in the dictionary and ask with that word.
 */
test("ask a question, review the SQL, run it", async ({ page }) => {
  await signInAsAdmin(page);
  await page.goto("/ask");
  await page.getByTestId("ask-question").fill("How many customers are there?");
  await page.getByTestId("ask-button").click();
  const sql = page.getByTestId("ask-sql");
  // The first question on a source samples its values once (through the read path): allow for it.
  await expect(sql).toHaveValue(/SELECT COUNT\(\*\) AS customers_count\s+FROM customers/, { timeout: 45_000 });
  await expect(page.getByText("customers → customers")).toBeVisible();
  await page.getByTestId("ask-run").click();
  const result = page.getByTestId("ask-result");
  await expect(result).toBeVisible();
  await expect(result.getByRole("columnheader", { name: "customers_count" })).toBeVisible();
  await expect(result.getByRole("cell").first()).toHaveText(/^\d+$/);
});

test("an alias set in the dictionary is understood by the next question", async ({ page }) => {
  await signInAsAdmin(page);
  await page.goto("/ask");
  await page.getByTestId("ask-question").fill("How many clientele are there?");
  await page.getByTestId("ask-button").click();
  await expect(page.getByTestId("ask-unanswered")).toContainText("clientele");

  await page.goto("/dictionary");
  await page.getByTestId("table-customers").click();
  const alias = page.getByTestId("table-alias");
  await alias.fill("Clientele");
  await alias.blur();
  await expect(page.getByText("Saved").first()).toBeVisible();

  await page.goto("/ask");
  await page.getByTestId("ask-question").fill("How many clientele are there?");
  await page.getByTestId("ask-button").click();
  await expect(page.getByTestId("ask-sql")).toHaveValue(/FROM customers/);
});

// ---- The editor's Ask box and dictionary completion (run after the alias test above). ----

const DEMO = "Demo retail (SQLite)";

/** The demo database the e2e server created, read directly to derive expected answers. */
function demoRows<T>(sql: string): T[] {
  const file = path.join(process.env.QUARRY_E2E_DATA_DIR!, "demo", "retail.sqlite");
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).all() as T[];
  } finally {
    db.close();
  }
}

async function openEditorOnDemo(page: Page): Promise<void> {
  await page.setViewportSize({ width: 1440, height: 900 });
  await signInAsAdmin(page);
  await expect(page.getByTestId("sql-editor").locator(".monaco-editor")).toBeVisible({ timeout: 30_000 });
  const select = page.getByRole("combobox", { name: "Data source" });
  await select.click();
  await page.getByRole("option", { name: DEMO }).click();
  await expect(select).toHaveValue(DEMO);
  await expect(page.getByTestId("schema-browser").locator('[data-table="orders"]')).toBeVisible();
}

test("the editor's Ask box puts the SQL in the tab for review, and Run shows the demo data's answer", async ({ page }) => {
  await openEditorOnDemo(page);
  const editor = page.getByTestId("sql-editor").locator(".view-lines");

  // A word the engine cannot map: a clear message naming it, and the editor is left alone.
  await page.getByTestId("editor-ask-question").fill("How many zorblats are there?");
  await page.getByTestId("editor-ask-button").click();
  await expect(page.getByTestId("editor-ask-unanswered")).toContainText("zorblats");

  await page.getByTestId("editor-ask-question").fill("Count orders by status");
  await page.getByTestId("editor-ask-button").click();
  // Reviewed first: the SQL sits in the editor and nothing has run yet.
  await expect(editor).toContainText(/GROUP\s+BY\s+status/i);
  await expect(editor).toContainText(/FROM\s+orders/i);
  await expect(page.getByTestId("editor-ask-explanation")).toContainText("orders → orders");
  await expect(page.getByTestId("results-grid")).toHaveCount(0);

  await page.getByRole("toolbar", { name: "Editor actions" }).getByRole("button", { name: "Run", exact: true }).click();
  const grid = page.getByTestId("results-grid");
  await expect(grid.getByRole("gridcell").first()).toBeVisible();

  const expected = demoRows<{ status: string; n: number }>("SELECT status, COUNT(*) AS n FROM orders GROUP BY status")
    .map((r) => [r.status, r.n.toLocaleString("en-US")].sort().join("|"))
    .sort();
  expect(expected.length).toBeGreaterThan(1);
  const rows = grid.locator('[role="row"]:not([aria-rowindex="1"])');
  await expect(rows).toHaveCount(expected.length);
  const actual: string[] = [];
  for (const row of await rows.all()) {
    const cells = (await row.getByRole("gridcell").allInnerTexts()).map((t) => t.trim());
    actual.push(cells.sort().join("|"));
  }
  // Numbers may show with or without grouping; compare both spellings.
  const plain = (s: string) => s.replace(/(\d),(\d)/g, "$1$2");
  expect(actual.map(plain).sort()).toEqual(expected.map(plain).sort());
});

test("completion offers the dictionary's alias and inserts the real table name", async ({ page }) => {
  await openEditorOnDemo(page);
  // The alias test above named customers "Clientele".
  await page.getByRole("button", { name: "New query tab" }).click();
  await page.getByTestId("sql-editor").locator(".monaco-editor .view-lines").click();
  await page.keyboard.insertText("SELECT * FROM ");
  await page.keyboard.type("Clientel", { delay: 20 });
  await page.keyboard.press("ControlOrMeta+Space");
  const suggest = page.locator(".monaco-editor .suggest-widget");
  await expect(suggest).toContainText("Clientele");
  await expect(suggest).toContainText("→ customers");
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("sql-editor").locator(".view-lines")).toContainText(/FROM\s+customers/);
});

test("an answer that arrives before the editor has loaded still lands in the tab", async ({ page }) => {
  // Hold Monaco's files back so the question is answered while the editor is still loading.
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route("**/vendor/monaco/**", async (route) => {
    await held;
    await route.continue();
  });
  await page.setViewportSize({ width: 1440, height: 900 });
  await signInAsAdmin(page);
  await page.getByTestId("editor-ask-question").fill("How many products are there?");
  await page.getByTestId("editor-ask-button").click();
  await expect(page.getByTestId("editor-ask-explanation")).toContainText("products → products");
  await expect(page.getByTestId("sql-editor").locator(".monaco-editor")).toHaveCount(0);
  release();
  const editor = page.getByTestId("sql-editor").locator(".view-lines");
  await expect(editor).toContainText(/FROM\s+products/i, { timeout: 30_000 });
  await expect(editor).not.toContainText("LIMIT 100");
});
