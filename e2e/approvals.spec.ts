import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { DEMO, apiCall as call, apiLogin as login, demoSourceId, writerAndApprover } from "./api-fixtures";
import { E2E_ADMIN, submitLogin } from "./fixtures";

const SCREENSHOTS = "test-results/screenshots";
const PRICE_SQL = "SELECT unit_price FROM products WHERE id = 1";
const UPDATE_SQL = "UPDATE products SET unit_price = unit_price + 1 WHERE id = 1";

async function priceOf(request: APIRequestContext, token: string, dataSourceId: string): Promise<number> {
  const result = await call<{ data: { unit_price: number }[] }>(request, token, "POST", "/queries", {
    data_source_id: dataSourceId,
    query_text: PRICE_SQL,
  });
  return result.data[0]!.unit_price;
}

/** How the preview shows a REAL: trimmed to 12 significant digits (components/ui/format.ts). */
const shown = (n: number) => String(parseFloat(n.toPrecision(12)));

/** Before a screenshot: no toast over the page, no pointer hover, transitions finished. */
async function settle(page: Page) {
  await page.mouse.move(0, 0);
  const toasts = page.locator(".mantine-Notification-root");
  for (const close of await toasts.locator("button").all()) await close.click().catch(() => undefined);
  await expect(toasts).toHaveCount(0, { timeout: 10_000 });
  // Drawers and modals slide in over 200 ms.
  await page.waitForTimeout(400);
}

async function signIn(page: Page, email: string, password: string) {
  await page.goto("/login");
  await submitLogin(page, email, password);
  await expect(page).toHaveURL(/\/editor$/);
}

async function signOut(page: Page) {
  await page.getByTestId("user-menu").click();
  await page.getByRole("menuitem", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login/);
}

test("an approver reviews, previews and commits an analyst's change", async ({ page, request }) => {
  // Four password hashes, three sign-ins and a dry run: slow on a busy machine.
  test.slow();
  await page.setViewportSize({ width: 1440, height: 1000 });

  // --- Setup through the REST API, as the admin.
  const admin = await login(request, E2E_ADMIN.email, E2E_ADMIN.password);
  const dataSourceId = await demoSourceId(request, admin);
  const { writer: analyst, approver } = await writerAndApprover(request, admin, dataSourceId, "approvals", { writer: "Ana Lyst", approver: "Abe Prover" });
  const password = analyst.password;

  const before = await priceOf(request, admin, dataSourceId);

  // --- The analyst files the change (through the API) and sees it waiting in the inbox.
  const analystToken = await login(request, analyst.email, password);
  const submitted = await call<{ approval_id: string; status: string }>(
    request, analystToken, "POST", "/queries", { data_source_id: dataSourceId, query_text: UPDATE_SQL }, [202],
  );
  expect(submitted.status).toBe("pending_approval");

  await signIn(page, analyst.email, password);
  await page.goto("/approvals");
  await expect(page.getByRole("heading", { name: "Approvals", level: 1 })).toBeVisible();
  // Not an approver: only their own requests, no scope switch.
  await expect(page.getByTestId("approval-scope")).toHaveCount(0);
  const ownRow = page.locator(`[data-testid="approval-row"][data-id="${submitted.approval_id}"]`);
  await expect(ownRow).toContainText("You");
  await ownRow.click();
  const ownDetail = page.getByTestId("approval-detail");
  await expect(ownDetail).toHaveAttribute("data-status", "pending");
  await expect(page.getByTestId("review-blocked")).toContainText("your own request");
  await expect(ownDetail.getByRole("button", { name: "Approve" })).toBeDisabled();
  await page.keyboard.press("Escape");
  await signOut(page);

  // --- The approver reviews it.
  await signIn(page, approver.email, password);
  await page.goto("/approvals");
  await expect(page.getByTestId("approval-scope")).toBeVisible();
  const row = page.locator(`[data-testid="approval-row"][data-id="${submitted.approval_id}"]`);
  await expect(row).toContainText(analyst.username);
  await expect(row).toContainText("UPDATE");
  await settle(page);
  await page.screenshot({ path: `${SCREENSHOTS}/approvals-inbox.png` });
  await row.click();

  const detail = page.getByTestId("approval-detail");
  await expect(detail).toHaveAttribute("data-status", "pending");
  await expect(page.getByTestId("approval-sql")).toContainText(UPDATE_SQL);
  await expect(page.getByTestId("approval-count")).toHaveText("0 of 1");
  await detail.getByRole("textbox", { name: "Comment" }).fill("Price change agreed with the category manager.");
  await detail.getByRole("button", { name: "Approve" }).click();

  // The final approval dry-runs the statement: one row, the price before and after.
  await expect(detail).toHaveAttribute("data-status", "approved");
  await expect(page.getByTestId("preview-affected")).toContainText("1 row would be affected");
  const cell = page.getByTestId("preview-table").locator('td[data-column="unit_price"]');
  await expect(cell.getByTestId("preview-before")).toHaveText(shown(before));
  await expect(cell.getByTestId("preview-after")).toHaveText(shown(before + 1));
  await expect(detail).toContainText("Price change agreed with the category manager.");
  await settle(page);
  await page.screenshot({ path: `${SCREENSHOTS}/approvals.png` });

  await detail.getByRole("button", { name: "Commit" }).click();
  const confirm = page.getByRole("dialog", { name: "Commit this change?" });
  await expect(confirm).toContainText("exactly 1 row");
  await confirm.getByRole("button", { name: "Commit" }).click();
  await expect(detail).toHaveAttribute("data-status", "executed");
  await expect(page.getByTestId("approval-status")).toHaveText("executed");
  await expect(page.getByText(`1 row changed on ${DEMO}`)).toBeVisible();

  // The dark theme, for the record.
  await page.keyboard.press("Escape");
  await expect(detail).toHaveCount(0);
  await page.getByRole("tab", { name: /Executed/ }).click();
  await expect(row).toContainText("executed");
  await page.getByTestId("theme-toggle").click();
  await expect(page.locator("html")).toHaveAttribute("data-mantine-color-scheme", "dark");
  await row.click();
  await expect(page.getByTestId("approval-detail")).toHaveAttribute("data-status", "executed");
  await settle(page);
  await page.screenshot({ path: `${SCREENSHOTS}/approvals-dark.png` });

  // --- The database changed exactly once, by exactly one.
  const after = await priceOf(request, admin, dataSourceId);
  expect(after).toBeCloseTo(before + 1, 6);
  const stored = await call<{ status: string; affected_rows: number }>(request, admin, "GET", `/approvals/${submitted.approval_id}`);
  expect(stored).toMatchObject({ status: "executed", affected_rows: 1 });
});
