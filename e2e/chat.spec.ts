import { expect, test } from "@playwright/test";
import { signInAsAdmin } from "./fixtures";

/**
 * A two-turn chat on the demo database with the built-in engine: the second turn
 * refines the first answer's SQL and asks for a chart; the conversation is kept; the
 * usage dashboard shows both calls; the SQL opens in the editor.
 */
const DEMO = "Demo retail (SQLite)";
const SCREENSHOTS = "test-results/screenshots";

test("a follow-up refines the previous answer, shows a chart, and the usage dashboard counts the calls", async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 1000 });
  await signInAsAdmin(page);
  await page.goto("/chat");
  const source = page.getByRole("combobox", { name: "Data source" });
  await source.click();
  await page.getByRole("option", { name: DEMO }).click();
  await expect(source).toHaveValue(DEMO);

  const input = page.getByTestId("chat-input");
  await input.fill("total revenue by region");
  await input.press("Enter");
  const answers = page.getByTestId("chat-answer");
  const first = answers.nth(0);
  // The first question on a source samples its values once (through the read path): allow for it.
  await expect(first).toHaveAttribute("data-status", "answered", { timeout: 45_000 });
  await expect(first.getByTestId("approval-sql")).toContainText("GROUP BY");
  await expect(first.getByTestId("approval-sql")).not.toContainText("2024-01-01");
  await expect(first.getByTestId("chat-table")).toBeVisible();
  await expect(page.getByTestId("chat-title")).toHaveText("total revenue by region");

  await input.fill("only 2024, as a bar chart");
  await input.press("Enter");
  const second = answers.nth(1);
  await expect(second).toHaveAttribute("data-status", "answered", { timeout: 30_000 });
  const sql = second.getByTestId("approval-sql");
  // refined, not replaced: the same measure and grouping, now for 2024 only
  await expect(sql).toContainText("2024-01-01");
  await expect(sql).toContainText("GROUP BY");
  await expect(sql).toContainText("regions");
  await expect(second.getByTestId("chat-chart").getByTestId("results-chart")).toBeVisible();
  await expect(second.locator(".recharts-surface").first()).toBeVisible();
  await page.screenshot({ path: `${SCREENSHOTS}/chat.png` });

  // the conversation is stored: after a reload the session holds both turns
  await page.reload();
  await page.getByTestId("chat-session").filter({ hasText: "total revenue by region" }).first().click();
  await expect(page.getByTestId("chat-user-message")).toHaveCount(2);
  await expect(page.getByTestId("chat-answer")).toHaveCount(2);

  // the usage dashboard shows both calls (built in: zero tokens)
  await page.goto("/usage");
  const recent = page.getByTestId("usage-recent");
  await expect(recent.getByTestId("usage-call").filter({ hasText: "total revenue by region" })).toHaveCount(1);
  await expect(recent.getByTestId("usage-call").filter({ hasText: "only 2024, as a bar chart" })).toHaveCount(1);
  await expect(recent.getByTestId("usage-call").filter({ hasText: "chat" }).first()).toBeVisible();
  const callsToday = Number((await page.getByTestId("usage-calls-today-value").innerText()).replace(/\D/g, ""));
  expect(callsToday).toBeGreaterThanOrEqual(2);
  await expect(page.getByTestId("usage-daily-chart").locator(".recharts-surface")).toBeVisible();
  await page.screenshot({ path: `${SCREENSHOTS}/usage.png`, fullPage: true });

  // and the admin analytics page draws the system's series
  await page.goto("/analytics");
  await expect(page.getByTestId("system-queries-chart").locator(".recharts-surface")).toBeVisible();
  await page.screenshot({ path: `${SCREENSHOTS}/analytics.png`, fullPage: true });
  const aiCalls = Number((await page.getByTestId("system-ai-calls-value").innerText()).replace(/\D/g, ""));
  expect(aiCalls).toBeGreaterThanOrEqual(2);
});

test("an answer's SQL opens in the editor", async ({ page }) => {
  await signInAsAdmin(page);
  await page.goto("/chat");
  await page.getByTestId("chat-session").first().click();
  const answer = page.getByTestId("chat-answer").first();
  await expect(answer).toBeVisible();
  await answer.getByTestId("chat-open-editor").click();
  await expect(page).toHaveURL(/\/editor$/);
  await expect(page.getByText("From chat").first()).toBeVisible();
});
