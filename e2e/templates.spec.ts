import { expect, test } from "@playwright/test";
import { signInAsAdmin } from "./fixtures";

const DEMO = "Demo retail (SQLite)";
const grid = (page: import("@playwright/test").Page) => page.getByTestId("results-grid");

test("create a template with a parameter, open it in the editor and run it with a bound value", async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await signInAsAdmin(page);

  await page.getByRole("link", { name: "Templates" }).click();
  await expect(page).toHaveURL(/\/templates$/, { timeout: 30_000 });
  // The demo ships its library.
  await expect(page.getByTestId("template-card").filter({ hasText: "Top customers by revenue" })).toBeVisible();

  await page.getByRole("button", { name: "New template" }).click();
  const dialog = page.getByRole("dialog", { name: "New template" });
  const title = `Customers of a country ${Date.now()}`;
  await dialog.getByRole("textbox", { name: "Title" }).fill(title);
  await dialog.getByRole("textbox", { name: "Category" }).fill("e2e");
  await dialog.getByRole("textbox", { name: "SQL" }).fill("SELECT country, count(*) AS customers FROM customers WHERE country = {{country}} GROUP BY country");
  await dialog.getByRole("textbox", { name: "Default of country" }).fill("Germany");
  await dialog.getByRole("button", { name: "Create" }).click();
  await expect(dialog).toBeHidden();

  const card = page.getByTestId("template-card").filter({ hasText: title });
  await expect(card).toContainText("country: string");
  await card.getByRole("link", { name: "Open in editor" }).click();
  await expect(page).toHaveURL(/\/editor/, { timeout: 30_000 });
  await expect(page.getByTestId("sql-editor").locator(".monaco-editor")).toBeVisible({ timeout: 30_000 });

  const select = page.getByRole("combobox", { name: "Data source" });
  if ((await select.inputValue()) !== DEMO) {
    await select.click();
    await page.getByRole("option", { name: DEMO }).click();
  }
  const input = page.getByRole("textbox", { name: "Parameter country" });
  await expect(input).toHaveValue("Germany");

  // A value that would break out of a spliced string is just data: no rows, no error.
  await input.fill("Germany' OR '1'='1");
  await page.getByTestId("sql-editor").locator(".monaco-editor .view-lines").click();
  await page.keyboard.press("ControlOrMeta+Enter");
  await expect(page.getByTestId("results-footer")).toContainText(/0 rows/);

  await input.fill("Germany");
  await page.getByTestId("sql-editor").locator(".monaco-editor .view-lines").click();
  await page.keyboard.press("ControlOrMeta+Enter");
  await expect(grid(page).getByRole("gridcell", { name: "Germany" })).toBeVisible();
});
