import { expect, test } from "@playwright/test";
import { colorScheme, E2E_ADMIN, NAV_LABELS, signInAsAdmin, submitLogin } from "./fixtures";

const SCREENSHOTS = "test-results/screenshots";

test("a wrong password shows the error and stays on the sign-in page", async ({ page }) => {
  await page.goto("/login");
  await expect(page.getByRole("heading", { name: "Sign in to Quarry" })).toBeVisible();
  await page.screenshot({ path: `${SCREENSHOTS}/login.png` });
  await submitLogin(page, E2E_ADMIN.email, "not-the-password");
  await expect(page.getByTestId("login-error")).toContainText("Invalid email/username or password");
  await expect(page).toHaveURL(/\/login/);
});

test("an admin signs in to the shell, sees every section and switches the theme", async ({ page }) => {
  // Tall enough for the whole page, so the full-page shots show the fixed navbar whole.
  await page.setViewportSize({ width: 1440, height: 900 });
  await signInAsAdmin(page);

  const nav = page.getByRole("navigation", { name: "Main navigation" });
  for (const label of NAV_LABELS) {
    await expect(nav.getByRole("link", { name: label, exact: true })).toBeVisible();
  }
  await expect(nav.getByRole("link", { name: "Editor", exact: true })).toHaveAttribute("aria-current", "page");
  await expect(page.getByTestId("current-user")).toHaveText(E2E_ADMIN.email);

  const before = await colorScheme(page);
  expect(before).toBe("light");
  await page.screenshot({ path: `${SCREENSHOTS}/shell.png`, fullPage: true });

  await page.getByTestId("theme-toggle").click();
  await expect(page.locator("html")).toHaveAttribute("data-mantine-color-scheme", "dark");
  // Move the pointer off the toggle so its tooltip is not in the picture.
  await page.mouse.move(0, 400);
  await expect(page.getByRole("tooltip")).toHaveCount(0);
  await page.screenshot({ path: `${SCREENSHOTS}/shell-dark.png`, fullPage: true });

  // The choice survives a reload.
  await page.reload();
  await expect(page.locator("html")).toHaveAttribute("data-mantine-color-scheme", "dark");
  await page.getByTestId("theme-toggle").click();
  await expect(page.locator("html")).toHaveAttribute("data-mantine-color-scheme", "light");
});

test("an admin can open the admin page", async ({ page }) => {
  await signInAsAdmin(page);
  await page.getByRole("navigation", { name: "Main navigation" }).getByRole("link", { name: "Admin", exact: true }).click();
  await expect(page).toHaveURL(/\/admin$/);
  await expect(page.getByRole("heading", { name: "Admin", level: 1 })).toBeVisible();
  await expect(page.getByTestId("forbidden")).toHaveCount(0);
});

test("signing out returns to the sign-in page and locks the shell", async ({ page }) => {
  await signInAsAdmin(page);
  await page.getByTestId("user-menu").click();
  await expect(page.getByRole("menu")).toContainText(E2E_ADMIN.email);
  await page.getByRole("menuitem", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login/);

  await page.goto("/editor");
  await expect(page).toHaveURL(/\/login\?callbackUrl=%2Feditor$/);
});

test("signed-out visits to the shell go to the sign-in page and come back after it", async ({ page }) => {
  await page.goto("/editor");
  await expect(page).toHaveURL(/\/login\?callbackUrl=%2Feditor$/);

  // Every section guards itself, not only the one above.
  for (const path of ["/chat", "/dictionary", "/pipelines", "/approvals", "/admin"]) {
    await page.goto(path);
    await expect(page).toHaveURL(new RegExp(`/login\\?callbackUrl=${encodeURIComponent(path)}$`));
  }

  await submitLogin(page, E2E_ADMIN.email, E2E_ADMIN.password);
  await expect(page).toHaveURL(/\/admin$/);
});

test("unknown addresses get the not-found page", async ({ page }) => {
  const response = await page.goto("/no-such-page");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Nothing was dug up here" })).toBeVisible();
});
