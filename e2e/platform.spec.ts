import { expect, test } from "@playwright/test";
import { apiCall as call, apiLogin as login, demoSourceId, writerAndApprover } from "./api-fixtures";
import { E2E_ADMIN, signInAsAdmin, submitLogin } from "./fixtures";

test("schedule a saved query from the editor and find it under Settings", async ({ page, request }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  const admin = await login(request, E2E_ADMIN.email, E2E_ADMIN.password);
  const title = `Countries nightly ${Date.now().toString(36)}`;
  await call(request, admin, "POST", "/saved-queries", { title, sql: "SELECT country, count(*) FROM customers GROUP BY country", database_id: await demoSourceId(request, admin) });

  await signInAsAdmin(page);
  await page.goto("/editor");
  await page.getByRole("tab", { name: "Saved", exact: true }).click();
  await page.getByRole("textbox", { name: "Search saved queries" }).fill(title);
  const item = page.getByTestId("saved-query").filter({ hasText: title });
  await expect(item).toBeVisible({ timeout: 30_000 });
  await item.getByRole("button", { name: `Actions for ${title}` }).click();
  await page.getByRole("menuitem", { name: "Schedule…" }).click();

  const dialog = page.getByRole("dialog", { name: `Schedule “${title}”` });
  await dialog.getByRole("combobox", { name: "Runs" }).click();
  await page.getByRole("option", { name: "Daily" }).click();
  await dialog.getByRole("textbox", { name: /^Time/ }).fill("07:30");
  await dialog.getByRole("button", { name: "Schedule", exact: true }).click();
  await expect(dialog).toBeHidden();

  await page.goto("/settings");
  const card = page.getByTestId("schedules-card");
  const row = card.getByRole("row").filter({ hasText: title });
  await expect(row).toBeVisible({ timeout: 30_000 });
  await expect(row).toContainText("30 7 * * *");
  await expect(row).toContainText("active");
});

test("an approver's Approvals badge counts up when a writer submits a change", async ({ page, request }) => {
  test.slow();
  await page.setViewportSize({ width: 1440, height: 900 });
  const admin = await login(request, E2E_ADMIN.email, E2E_ADMIN.password);
  const dataSourceId = await demoSourceId(request, admin);
  const { writer, approver } = await writerAndApprover(request, admin, dataSourceId, "badge", { writer: "Wri Ter", approver: "Bea Dge" });
  const password = writer.password;
  const writerToken = await login(request, writer.email, password);
  const submit = (id: number) =>
    call<{ status: string }>(request, writerToken, "POST", "/queries", { data_source_id: dataSourceId, query_text: `UPDATE products SET unit_price = unit_price WHERE id = ${id}` }, [202]);

  // Requests other specs left pending may already wait for this approver: count from there.
  await page.goto("/login");
  await submitLogin(page, approver.email, password);
  await expect(page).toHaveURL(/\/editor$/);
  const badge = page.getByTestId("nav-badge-approvals");
  await expect(page.getByRole("link", { name: /Approvals/ })).toBeVisible();
  await page.waitForLoadState("networkidle");
  const before = (await badge.count()) ? Number(await badge.textContent()) : 0;

  // Each submission reaches the open page live (no reload).
  expect((await submit(1)).status).toBe("pending_approval");
  await expect(badge).toHaveText(String(before + 1), { timeout: 20_000 });
  expect((await submit(2)).status).toBe("pending_approval");
  await expect(badge).toHaveText(String(before + 2), { timeout: 20_000 });
  await expect(badge).toHaveAttribute("aria-label", `${before + 2} waiting for your review`);
});
