import { expect, test, type Page } from "@playwright/test";
import { DEMO } from "./api-fixtures";
import { newTab, openEditor, pickDemo, setSql } from "./editor-fixtures";

const editorText = (page: Page) => page.getByTestId("sql-editor").locator(".view-lines");
const queryTabs = (page: Page) => page.getByRole("tablist", { name: "Query tabs" });
const tab = (page: Page, title: string) => queryTabs(page).getByRole("tab", { name: title });

test("a tab with unsaved changes is marked and asks before it is closed", async ({ page }) => {
  await openEditor(page);
  await pickDemo(page);
  await newTab(page);
  const draft = tab(page, "Query 2");
  await expect(draft).toHaveAttribute("aria-selected", "true");
  // An empty new tab has nothing to lose: no marker, and it closes without asking.
  await expect(draft.getByTestId("tab-dirty")).toHaveCount(0);
  await page.getByRole("button", { name: "Close Query 2" }).click();
  await expect(page.getByRole("dialog")).toHaveCount(0);
  await expect(draft).toHaveCount(0);

  await newTab(page);
  const second = tab(page, "Query 3");
  await setSql(page, "SELECT name FROM regions");
  await expect(second.getByTestId("tab-dirty")).toBeVisible();
  await expect(second).toHaveAttribute("data-dirty", "true");

  await page.getByRole("button", { name: "Close Query 3" }).click();
  const dialog = page.getByRole("dialog", { name: "Discard changes?" });
  await expect(dialog).toBeVisible();
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toBeHidden();
  await expect(second).toBeVisible();
  await expect(editorText(page)).toContainText("SELECT name FROM regions");

  // From the keyboard: Delete on the focused tab asks the same.
  await second.focus();
  await page.keyboard.press("Delete");
  await expect(dialog).toBeVisible();
  await dialog.getByRole("button", { name: "Discard" }).click();
  await expect(second).toHaveCount(0);
  await expect(tab(page, "Query 1")).toHaveAttribute("aria-selected", "true");
});

test("open tabs and their drafts survive a reload; a corrupt stored value is ignored", async ({ page }) => {
  await openEditor(page);
  await pickDemo(page);
  await newTab(page);
  await setSql(page, "SELECT code FROM regions -- my draft");
  await tab(page, "Query 2").dblclick();
  await page.getByRole("textbox", { name: "Tab name" }).fill("Regions draft");
  await page.keyboard.press("Enter");
  await expect(tab(page, "Regions draft")).toBeVisible();
  await newTab(page);
  await tab(page, "Regions draft").click();

  await page.reload();
  await expect(page.getByTestId("sql-editor").locator(".monaco-editor")).toBeVisible({ timeout: 30_000 });
  await expect(tab(page, "Query 1")).toBeVisible();
  await expect(tab(page, "Query 3")).toBeVisible();
  const restored = tab(page, "Regions draft");
  await expect(restored).toHaveAttribute("aria-selected", "true");
  await expect(restored.getByTestId("tab-dirty")).toBeVisible();
  await expect(editorText(page)).toContainText("SELECT code FROM regions -- my draft");
  await expect(page.getByRole("combobox", { name: "Data source" })).toHaveValue(DEMO);

  // Stored per signed-in user; an unreadable value starts afresh instead of breaking the page.
  const keys = await page.evaluate(() => Object.keys(window.localStorage).filter((k) => k.startsWith("quarry.editor.tabs.v2:")));
  expect(keys).toHaveLength(1);
  // Written before the app starts (the page being left saves its tabs on the way out).
  await page.addInitScript((key) => window.localStorage.setItem(key, '{"version":2,"tabs":[{"id":'), keys[0]!);
  await page.reload();
  await expect(page.getByTestId("sql-editor").locator(".monaco-editor")).toBeVisible({ timeout: 30_000 });
  await expect(queryTabs(page).getByRole("tab")).toHaveCount(1);
  await expect(tab(page, "Query 1")).toBeVisible();
});

test("Ctrl+S saves the active tab from outside the editor, never the browser's save dialog", async ({ page }) => {
  await openEditor(page);
  await pickDemo(page);
  await newTab(page);
  await setSql(page, "SELECT count(*) AS n FROM products");
  const draft = tab(page, "Query 2");
  await expect(draft.getByTestId("tab-dirty")).toBeVisible();

  // The page takes the shortcut: the browser's default (Save page as…) is prevented.
  const prevented = await page.evaluate(() => {
    const event = new KeyboardEvent("keydown", { key: "s", ctrlKey: true, bubbles: true, cancelable: true });
    document.body.dispatchEvent(event);
    return event.defaultPrevented;
  });
  expect(prevented).toBe(true);
  const dialog = page.getByRole("dialog", { name: "Save query" });
  await expect(dialog).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();

  // From a text field outside Monaco (where ordinary hotkeys are ignored).
  await page.getByRole("textbox", { name: "Search tables and columns" }).click();
  await page.keyboard.press("ControlOrMeta+s");
  await expect(dialog).toBeVisible();
  const title = `Products counted ${Date.now()}`;
  await dialog.getByRole("textbox", { name: "Title" }).fill(title);
  await dialog.getByRole("button", { name: "Save", exact: true }).click();
  await expect(dialog).toBeHidden();
  const saved = tab(page, title);
  await expect(saved).toHaveAttribute("aria-selected", "true");
  await expect(saved.getByTestId("tab-dirty")).toHaveCount(0);

  // Saved queries list it; editing it again marks the tab.
  await page.getByRole("tab", { name: "Saved", exact: true }).click();
  await expect(page.getByTestId("saved-query").filter({ hasText: title })).toBeVisible();
  await setSql(page, "SELECT count(*) AS n FROM products WHERE price > 10");
  await expect(saved.getByTestId("tab-dirty")).toBeVisible();
});

test("a typo answers a short message with its line and column; errors without a position mark nothing", async ({ page }) => {
  await openEditor(page);
  await pickDemo(page);
  await newTab(page);
  await setSql(page, "SELECT *\nFORM customers");
  await page.keyboard.press("ControlOrMeta+Enter");
  const error = page.getByTestId("query-error");
  await expect(error).toContainText('Syntax error near "FORM" at line 2, column 1: did you mean FROM?');
  await expect(error).not.toContainText("Expected");
  await expect(page.getByRole("button", { name: /Go to line 2, column 1/ })).toBeVisible();
  await expect(page.getByTestId("sql-editor").locator(".squiggly-error")).toHaveCount(1);

  // (Monaco closes brackets and quotes and keeps indentation as text comes in: no parentheses, no indents.)
  await setSql(page, "SELECT name,\ncountry,\nFROM customers");
  await page.keyboard.press("ControlOrMeta+Enter");
  await expect(error).toContainText('Trailing comma before "FROM" at line 3, column 1');
  await expect(page.getByRole("button", { name: /Go to line 3, column 1/ })).toBeVisible();

  // The database names no position for a missing table: no squiggle under the whole statement.
  await setSql(page, "SELECT * FROM no_such_table");
  await page.keyboard.press("ControlOrMeta+Enter");
  await expect(error).toContainText("no_such_table");
  await expect(page.getByRole("button", { name: /Go to line/ })).toHaveCount(0);
  await expect(page.getByTestId("sql-editor").locator(".squiggly-error")).toHaveCount(0);
});

test("the schema browser expands on click, inserts on request and previews the first rows", async ({ page }) => {
  await openEditor(page);
  await pickDemo(page);
  await newTab(page);
  await setSql(page, "SELECT * FROM ");
  const browser = page.getByTestId("schema-browser");
  const customers = browser.locator('[data-table="customers"]');

  // A click shows the columns and leaves the editor alone.
  await customers.getByTestId("schema-table-name").click();
  await expect(page.getByRole("list", { name: "Columns of customers" })).toContainText("country");
  await expect(editorText(page)).not.toContainText("customers");
  await customers.getByTestId("schema-table-name").click();
  await expect(page.getByRole("list", { name: "Columns of customers" })).toHaveCount(0);

  // Inserting is its own action: the insert button, or a double-click.
  await page.getByTestId("sql-editor").locator(".monaco-editor .view-lines").click();
  await page.keyboard.press("ControlOrMeta+End");
  await page.getByRole("button", { name: "Insert customers" }).click();
  await expect(editorText(page)).toContainText("SELECT * FROM customers");
  await page.keyboard.insertText(" JOIN ");
  await browser.locator('[data-table="regions"]').getByTestId("schema-table-name").dblclick();
  await expect(editorText(page)).toContainText("SELECT * FROM customers JOIN regions");

  // SQLite counts rows (no ≈ there).
  await expect(customers.getByTestId("schema-row-count")).toHaveText(/^\d[\d.,]*[kK]?$/);

  // Preview: the first 50 rows in a drawer, without a new tab.
  const tabs = await queryTabs(page).getByRole("tab").count();
  await page.getByRole("button", { name: "Preview order_items" }).click();
  const drawer = page.getByRole("dialog", { name: "Preview: order_items" });
  await expect(drawer).toBeVisible();
  await expect(drawer.getByTestId("table-preview-count")).toHaveText("50 rows (the first 50)");
  await expect(drawer.getByTestId("results-grid").getByRole("columnheader", { name: /quantity/ })).toBeVisible();
  await expect(drawer).toContainText("SELECT * FROM order_items LIMIT 50");
  await page.keyboard.press("Escape");
  await expect(drawer).toBeHidden();
  expect(await queryTabs(page).getByRole("tab").count()).toBe(tabs);
  await expect(editorText(page)).toContainText("SELECT * FROM customers JOIN regions");
});
