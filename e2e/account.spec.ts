import { expect, test, type APIRequestContext } from "@playwright/test";
import { submitLogin } from "./fixtures";

/** Self-registration (open by default) gives a fresh viewer for each test. */
async function registerViewer(request: APIRequestContext, tag: string) {
  const unique = `${tag}-${Date.now()}`;
  const account = { email: `${unique}@e2e.test`, username: unique, full_name: "Vera Viewer", password: "viewer-pass-1" };
  const response = await request.post("/api/v1/auth/register", { data: account });
  expect(response.status(), await response.text()).toBe(201);
  return account;
}

test("a viewer does not see the admin section and is refused at its address", async ({ page, request }) => {
  const viewer = await registerViewer(request, "viewer");
  await page.goto("/login");
  await submitLogin(page, viewer.username, viewer.password);
  await expect(page).toHaveURL(/\/editor$/);
  await expect(page.getByTestId("current-user")).toHaveText(viewer.email);

  const nav = page.getByRole("navigation", { name: "Main navigation" });
  await expect(nav.getByRole("link", { name: "Approvals", exact: true })).toBeVisible();
  await expect(nav.getByRole("link", { name: "Admin", exact: true })).toHaveCount(0);

  await page.goto("/admin");
  await expect(page.getByTestId("forbidden")).toContainText("403");
});

test("changing the password keeps this browser signed in and retires the old password", async ({ page, request }) => {
  // Five password hashes and three sign-ins: slow on a busy two-core machine.
  test.slow();
  const viewer = await registerViewer(request, "pw");
  const newPassword = "a-brand-new-pass";
  await page.goto("/login");
  await submitLogin(page, viewer.email, viewer.password);
  await expect(page).toHaveURL(/\/editor$/);

  await page.getByTestId("user-menu").click();
  await page.getByRole("menuitem", { name: "Change password" }).click();
  const dialog = page.getByRole("dialog", { name: "Change password" });
  const current = dialog.getByRole("textbox", { name: "Current password" });
  // Clicked first, as a user would: the dialog's own autofocus lands only after its opening
  // transition, which on a busy machine raced the typing.
  await current.click();
  await current.fill("wrong-current-pass");
  await dialog.getByRole("textbox", { name: "New password", exact: true }).fill(newPassword);
  await dialog.getByRole("textbox", { name: "Confirm new password" }).fill(newPassword);
  await expect(current).toHaveValue("wrong-current-pass");
  await dialog.getByRole("button", { name: "Change password" }).click();
  await expect(dialog.getByRole("alert")).toContainText("current password is not correct");

  await dialog.getByRole("textbox", { name: "Current password" }).fill(viewer.password);
  await dialog.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByText("Your other sessions were signed out.")).toBeVisible();
  await expect(dialog).toBeHidden();

  // The session was renewed with the new password, so a fresh load still works.
  await page.reload();
  await expect(page.getByTestId("current-user")).toHaveText(viewer.email);

  await page.getByTestId("user-menu").click();
  await page.getByRole("menuitem", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login/);
  await submitLogin(page, viewer.email, viewer.password);
  await expect(page.getByTestId("login-error")).toBeVisible();
  await submitLogin(page, viewer.email, newPassword);
  await expect(page).toHaveURL(/\/editor$/);
});
