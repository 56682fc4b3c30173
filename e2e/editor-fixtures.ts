import { expect, type Page } from "@playwright/test";
import { DEMO } from "./api-fixtures";
import { signInAsAdmin } from "./fixtures";

/** The SQL editor as a person drives it: sign in, pick a source, set the text, open tabs. */

export async function openEditor(page: Page): Promise<void> {
  await page.setViewportSize({ width: 1440, height: 900 });
  await signInAsAdmin(page);
  // Monaco's first load fetches a few megabytes from /vendor/monaco; later loads hit the cache.
  await expect(page.getByTestId("sql-editor").locator(".monaco-editor")).toBeVisible({ timeout: 30_000 });
}

export async function pickDemo(page: Page): Promise<void> {
  const select = page.getByRole("combobox", { name: "Data source" });
  await select.click();
  await page.getByRole("option", { name: DEMO }).click();
  await expect(select).toHaveValue(DEMO);
  // The schema browser follows the data source.
  await expect(page.getByTestId("schema-browser").locator('[data-table="customers"]')).toBeVisible();
}

/** Replaces the editor's text; `typed` goes key by key (completion and all), else pasted. */
export async function setSql(page: Page, sql: string, typed = false): Promise<void> {
  await page.getByTestId("sql-editor").locator(".monaco-editor .view-lines").click();
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.press("Delete");
  if (typed) await page.keyboard.type(sql, { delay: 5 });
  else await page.keyboard.insertText(sql);
  await page.keyboard.press("Escape");
}

export async function newTab(page: Page): Promise<void> {
  await page.getByRole("button", { name: "New query tab" }).click();
}
