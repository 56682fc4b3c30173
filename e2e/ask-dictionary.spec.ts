import { expect, test } from "@playwright/test";
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
  await expect(sql).toHaveValue(/SELECT COUNT\(\*\) AS customers_count\s+FROM customers/);
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
