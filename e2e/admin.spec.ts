import { expect, test, type Page } from "@playwright/test";
import { E2E_ADMIN, signInAsAdmin } from "./fixtures";

const SCREENSHOTS = "test-results/screenshots";
const DEMO = "Demo retail (SQLite)";

/** Before a screenshot: no toast over the page, no pointer hover, transitions finished. */
async function settle(page: Page) {
  await page.mouse.move(0, 0);
  const toasts = page.locator(".mantine-Notification-root");
  for (const close of await toasts.locator("button").all()) await close.click().catch(() => undefined);
  await expect(toasts).toHaveCount(0, { timeout: 10_000 });
  // Drawers and modals slide in over 200 ms.
  await page.waitForTimeout(400);
}

test("an admin tests the demo connection, adds a user and a group, and finds the sign-in in the audit log", async ({ page }) => {
  test.slow();
  await page.setViewportSize({ width: 1440, height: 900 });
  await signInAsAdmin(page);
  await page.goto("/admin");
  await expect(page.getByRole("heading", { name: "Admin", level: 1 })).toBeVisible();

  // --- Data sources: the demo is there and its connection works.
  const demo = page.locator(`[data-testid="datasource-row"][data-name="${DEMO}"]`);
  await expect(demo).toBeVisible();
  await expect(demo).toContainText("SQLite");
  await demo.getByRole("button", { name: "Test" }).click();
  await expect(page.getByText("Connection works")).toBeVisible();
  await expect(demo.getByTestId("ds-health")).toHaveAttribute("data-ok", "true");
  await expect(demo.getByTestId("ds-health")).toContainText(/\d+ ms/);
  await settle(page);
  await page.screenshot({ path: `${SCREENSHOTS}/admin.png`, fullPage: true });

  // --- Users: create one.
  const unique = Date.now().toString(36);
  const email = `newbie-${unique}@e2e.test`;
  await page.getByRole("tab", { name: "Users" }).click();
  await expect(page.getByTestId("users-table")).toContainText(E2E_ADMIN.email);
  await page.getByRole("button", { name: "New user" }).click();
  const userDialog = page.getByRole("dialog", { name: "New user" });
  await userDialog.getByRole("textbox", { name: "Email" }).fill(email);
  await userDialog.getByRole("textbox", { name: "Full name" }).fill("Nia Newbie");
  await userDialog.getByRole("textbox", { name: "Password" }).fill("newbie-pass-123");
  await userDialog.getByRole("button", { name: "Create user" }).click();
  await expect(userDialog).toBeHidden();
  const userRow = page.locator(`[data-testid="user-row"][data-email="${email}"]`);
  await expect(userRow).toContainText("Nia Newbie");
  await expect(userRow).toContainText("Active");
  await settle(page);
  await page.screenshot({ path: `${SCREENSHOTS}/admin-users.png`, fullPage: true });

  // --- Groups: create one and put the new user in it.
  const groupName = `Merchandising ${unique}`;
  await page.getByRole("tab", { name: "Groups" }).click();
  await page.getByRole("button", { name: "New group" }).click();
  const groupDialog = page.getByRole("dialog", { name: "New group" });
  await groupDialog.getByRole("textbox", { name: "Name" }).fill(groupName);
  await groupDialog.getByRole("textbox", { name: "Description" }).fill("Prices and assortments");
  await groupDialog.getByRole("button", { name: "Create group" }).click();
  await expect(groupDialog).toBeHidden();
  await expect(page.getByTestId("groups-list")).toContainText(groupName);
  const group = page.getByTestId("group-detail");
  await expect(group.getByRole("heading", { name: groupName })).toBeVisible();
  await group.getByRole("combobox", { name: "Add a member" }).fill(email);
  await page.getByRole("option", { name: new RegExp(email.replace(/[.+]/g, "\\$&")) }).click();
  await group.getByRole("button", { name: "Add", exact: true }).click();
  await expect(group.getByTestId("group-members")).toContainText(email);

  // The group may read the demo data source.
  const matrix = page.getByTestId("permission-matrix");
  await matrix.getByRole("checkbox", { name: `Read for ${groupName}` }).check();
  await matrix.getByRole("button", { name: "Save permissions" }).click();
  await expect(page.getByText("Permissions saved")).toBeVisible();
  await page.getByTestId("theme-toggle").click();
  await expect(page.locator("html")).toHaveAttribute("data-mantine-color-scheme", "dark");
  await settle(page);
  await page.screenshot({ path: `${SCREENSHOTS}/admin-groups-dark.png`, fullPage: true });
  await page.getByTestId("theme-toggle").click();

  // --- Audit log: this sign-in is recorded.
  await page.getByRole("tab", { name: "Audit log" }).click();
  await page.getByRole("combobox", { name: "Action" }).fill("login");
  const login = page.locator('[data-testid="audit-row"][data-action="login"]').filter({ hasText: E2E_ADMIN.email });
  await expect(login.first()).toBeVisible();
  await expect(login.first()).toContainText("success");
  await expect(page.locator('[data-testid="audit-row"]:not([data-action="login"])')).toHaveCount(0);
  // The permission change made above, with its before and after.
  await page.getByRole("combobox", { name: "Action" }).fill("set_permissions");
  await page.keyboard.press("Escape");
  const change = page.locator('[data-testid="audit-row"][data-action="set_permissions"]').first();
  await change.getByRole("button", { name: "Show details" }).click();
  await expect(page.getByTestId("audit-details")).toContainText(groupName);
  await settle(page);
  await page.screenshot({ path: `${SCREENSHOTS}/admin-audit.png`, fullPage: true });

  // --- System: status cards and the schema cache.
  await page.getByRole("tab", { name: "System" }).click();
  await expect(page.getByTestId("system-status")).toContainText("Operational");
  await expect(page.getByTestId("system-datasources")).toContainText(DEMO);
  await settle(page);
  await page.screenshot({ path: `${SCREENSHOTS}/admin-system.png`, fullPage: true });
  await page.getByRole("button", { name: "Clear schema cache" }).click();
  await page.getByRole("dialog", { name: "Clear the schema cache?" }).getByRole("button", { name: "Clear cache" }).click();
  await expect(page.getByText("Schema cache cleared")).toBeVisible();
});
