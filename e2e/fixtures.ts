import { expect, type Page } from "@playwright/test";

/** The first administrator the e2e server is started with (playwright.config.ts). */
export const E2E_ADMIN = { email: "admin@e2e.test", password: "e2e-admin-pass" } as const;

export const NAV_LABELS = ["Editor", "Ask", "Chat", "Templates", "Dictionary", "Pipelines", "Approvals", "Usage", "Analytics", "Admin"] as const;

/** Fills and submits the sign-in form on the page the browser is on. */
export async function submitLogin(page: Page, identifier: string, password: string): Promise<void> {
  await page.getByRole("textbox", { name: "Email or username" }).fill(identifier);
  await page.getByRole("textbox", { name: "Password", exact: true }).fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

export async function signInAsAdmin(page: Page): Promise<void> {
  await page.goto("/login");
  await submitLogin(page, E2E_ADMIN.email, E2E_ADMIN.password);
  await expect(page).toHaveURL(/\/editor$/);
}

/** The scheme Mantine applied, as the stylesheet sees it. */
export function colorScheme(page: Page): Promise<string | null> {
  return page.locator("html").getAttribute("data-mantine-color-scheme");
}
