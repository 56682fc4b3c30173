import { expect, test, type Page } from "@playwright/test";
import { DEMO, apiCall, apiLogin, demoSourceId, writerAndApprover } from "./api-fixtures";
import { E2E_ADMIN, signInAsAdmin, submitLogin } from "./fixtures";
const node = (page: Page, label: string) => page.getByTestId(`pipeline-node-${label}`);

async function configure(page: Page, label: string, fill: () => Promise<void>) {
  await node(page, label).click();
  await expect(page.getByTestId("node-panel")).toBeVisible();
  await fill();
  // Back to the pane: the panel closes and the canvas has its full width for the edges.
  await page.getByTestId("pipeline-canvas").locator(".react-flow__pane").click({ position: { x: 20, y: 280 } });
}

test("build a three-node pipeline on the canvas, have its writes approved, run it, watch the counts and see the rows in the target table", async ({ page, browser, request }) => {
  test.setTimeout(180_000);
  const admin = await apiLogin(request, E2E_ADMIN.email, E2E_ADMIN.password);
  const { approver } = await writerAndApprover(request, admin, await demoSourceId(request, admin), "pipeline");
  await page.setViewportSize({ width: 1600, height: 950 });
  await signInAsAdmin(page);
  const table = `e2e_germans_${Date.now()}`;

  await page.getByRole("link", { name: "Pipelines" }).click();
  await expect(page).toHaveURL(/\/pipelines$/, { timeout: 30_000 });
  await page.getByRole("button", { name: "New pipeline" }).click();
  const dialog = page.getByRole("dialog", { name: "New pipeline" });
  await dialog.getByRole("textbox", { name: "Name" }).fill(`German customers ${table}`);
  await dialog.getByRole("button", { name: "Create" }).click();
  await expect(page).toHaveURL(/\/pipelines\/[0-9a-f-]{36}$/, { timeout: 30_000 });

  const palette = page.getByTestId("module-palette");
  await palette.getByRole("button", { name: "Add SQLite Extractor" }).click();
  await palette.getByRole("button", { name: "Add Data Cleaner" }).click();
  await palette.getByRole("button", { name: "Add Database Table Loader" }).click();
  await expect(node(page, "SQLite 1")).toBeVisible();
  await expect(node(page, "Data Cleaner 2")).toBeVisible();
  await expect(node(page, "Database Table 3")).toBeVisible();

  await configure(page, "SQLite 1", async () => {
    const panel = page.getByTestId("node-panel");
    await panel.getByRole("combobox", { name: "Connection" }).click();
    await page.getByRole("option", { name: DEMO }).click();
    // The SQL is a Monaco editor in the panel, as in the workbench.
    const code = panel.getByTestId("sql-code-field").locator(".monaco-editor .view-lines");
    await expect(code).toBeVisible({ timeout: 30_000 });
    await code.click();
    await page.keyboard.insertText("SELECT id, city, country FROM customers WHERE country = 'Germany'");
  });
  await configure(page, "Data Cleaner 2", async () => {
    await page.getByTestId("node-panel").getByRole("switch", { name: "Trim text" }).check({ force: true });
  });
  await configure(page, "Database Table 3", async () => {
    const panel = page.getByTestId("node-panel");
    await panel.getByRole("combobox", { name: "Connection" }).click();
    await page.getByRole("option", { name: DEMO }).click();
    await panel.getByRole("textbox", { name: "Table" }).fill(table);
    await panel.getByRole("combobox", { name: "Mode" }).click();
    await page.getByRole("option", { name: "create" }).click();
  });

  // Edges by dragging from a node's output handle to the next node's input handle.
  await node(page, "SQLite 1").getByTestId("source-handle").dragTo(node(page, "Data Cleaner 2").getByTestId("target-handle"));
  await node(page, "Data Cleaner 2").getByTestId("source-handle").dragTo(node(page, "Database Table 3").getByTestId("target-handle"));
  await expect(page.locator(".react-flow__edge")).toHaveCount(2);

  // A preview of the rows out of any node, before anything runs.
  await node(page, "Data Cleaner 2").click();
  await page.getByTestId("node-panel").getByRole("button", { name: "Preview rows" }).click();
  const previewDialog = page.getByRole("dialog", { name: "Rows out of Data Cleaner 2" });
  await expect(previewDialog.getByTestId("node-preview")).toContainText("Germany", { timeout: 20_000 });
  await expect(previewDialog.getByTestId("node-preview-summary")).toContainText("the first 50");
  await page.keyboard.press("Escape");
  await expect(previewDialog).toBeHidden();
  await page.getByTestId("pipeline-canvas").locator(".react-flow__pane").click({ position: { x: 20, y: 280 } });

  await page.getByRole("button", { name: "Validate" }).click();
  await expect(page.getByTestId("validation-result")).toContainText("Valid");

  // Writes never run unreviewed: the first run files the request for an approver of the target.
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByTestId("pipeline-approval")).toContainText("its first run asks an approver");
  await page.getByRole("button", { name: "Run" }).click();
  await expect(page.getByText(/runs once an approver of that data source approves it/)).toBeVisible();
  await expect(page.getByTestId("pipeline-approval")).toContainText("Waiting for an approver");

  // The approver (another person) sees what each node does and where it writes, and approves.
  const approverPage = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await approverPage.goto("/login");
  await submitLogin(approverPage, approver.email, approver.password);
  await expect(approverPage).toHaveURL(/\/editor$/);
  await approverPage.goto("/approvals");
  const card = approverPage.getByTestId("pipeline-approval-card").filter({ hasText: `German customers ${table}` });
  await expect(card).toContainText(`create ${table} on ${DEMO}`, { timeout: 20_000 });
  await expect(card).toContainText("country = 'Germany'");
  // The menu's count includes it (other specs may have left statements waiting on the demo source).
  const badge = approverPage.getByTestId("nav-badge-approvals");
  await expect(badge).toBeVisible();
  const waiting = Number(await badge.textContent());
  expect(waiting).toBeGreaterThanOrEqual(1);
  await card.getByRole("button", { name: "Approve pipeline" }).click();
  await expect(card).toBeHidden();
  if (waiting > 1) await expect(badge).toHaveText(String(waiting - 1));
  else await expect(badge).toHaveCount(0);
  await approverPage.close();

  await expect(page.getByTestId("pipeline-approval")).toContainText("approved by Abe Prover", { timeout: 20_000 });
  // The refusal's toast sits over the toolbar: dismiss it, as a person would.
  const toasts = page.locator(".mantine-Notification-root");
  for (const close of await toasts.locator("button").all()) await close.click().catch(() => undefined);
  await expect(toasts).toHaveCount(0, { timeout: 10_000 });
  await page.getByRole("button", { name: "Run" }).click();
  await expect(node(page, "Database Table 3").getByTestId("node-run")).toContainText("success", { timeout: 30_000 });
  const counts = await node(page, "SQLite 1").getByTestId("node-counts").innerText();
  const extracted = Number(/(\d+) out/.exec(counts)![1]);
  expect(extracted).toBeGreaterThan(0);
  await expect(node(page, "Database Table 3").getByTestId("node-counts")).toHaveText(`${extracted} in · ${extracted} out`);
  await expect(page.getByTestId("execution-status")).toHaveText("success", { timeout: 15_000 });
  await expect(page.getByTestId("execution-logs")).toContainText(`Loaded ${extracted} rows into ${table}`);

  // The rows are in the target table: read it back in the editor.
  await page.getByRole("link", { name: "Editor" }).click();
  await expect(page.getByTestId("sql-editor").locator(".monaco-editor")).toBeVisible({ timeout: 30_000 });
  const select = page.getByRole("combobox", { name: "Data source" });
  if ((await select.inputValue()) !== DEMO) {
    await select.click();
    await page.getByRole("option", { name: DEMO }).click();
  }
  await page.getByTestId("sql-editor").locator(".monaco-editor .view-lines").click();
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.press("Delete");
  await page.keyboard.insertText(`SELECT count(*) AS loaded, min(country) AS country FROM ${table}`);
  await page.keyboard.press("Escape");
  await page.keyboard.press("ControlOrMeta+Enter");
  const grid = page.getByTestId("results-grid");
  await expect(grid.getByRole("gridcell", { name: String(extracted), exact: true })).toBeVisible({ timeout: 45_000 });
  await expect(grid.getByRole("gridcell", { name: "Germany" })).toBeVisible();
});

test("a pipeline made over the API without positions is laid out left to right, and saving it unchanged keeps its version", async ({ page, request }) => {
  const admin = await apiLogin(request, E2E_ADMIN.email, E2E_ADMIN.password);
  const ds = await demoSourceId(request, admin);
  const nodes = [
    { id: "orders", type: "extractor", module: "sqlite", description: "orders", config: { connection_id: ds, query: "SELECT id, customer_id FROM orders" } },
    { id: "customers", type: "extractor", module: "sqlite", description: "customers", config: { connection_id: ds, query: "SELECT id, country FROM customers" } },
    { id: "joined", type: "transformer", module: "join", description: "orders with their customer", config: { left_on: ["customer_id"], right_on: ["id"], how: "inner" } },
    { id: "out", type: "loader", module: "csv", description: "to a file", config: { path: `layout-${Date.now()}.csv` } },
  ];
  const edges = [
    { source: "orders", target: "joined", targetHandle: "left" },
    { source: "customers", target: "joined", targetHandle: "right" },
    { source: "joined", target: "out" },
  ];
  const created = await apiCall<{ id: string }>(request, admin, "POST", "/pipelines", { name: `Laid out ${Date.now()}`, config: { nodes, edges } });
  await page.setViewportSize({ width: 1400, height: 900 });
  await signInAsAdmin(page);
  await page.goto(`/pipelines/${created.id}`);

  const boxes = new Map<string, { x: number; y: number; width: number; height: number }>();
  for (const n of nodes) {
    await expect(node(page, n.id)).toBeVisible();
    boxes.set(n.id, (await node(page, n.id).boundingBox())!);
  }
  const all = [...boxes.values()];
  for (const [i, a] of all.entries())
    for (const b of all.slice(i + 1)) {
      const overlap = a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
      expect(overlap, "no two nodes cover each other").toBe(false);
    }
  // Data flows left to right: each node sits right of what feeds it.
  for (const e of edges) expect(boxes.get(e.target)!.x).toBeGreaterThan(boxes.get(e.source)!.x + boxes.get(e.source)!.width / 2);

  await expect(page.getByText("v1", { exact: true })).toBeVisible();
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByText("Pipeline saved")).toBeVisible();
  // The first save stores the positions it drew: a change, so one new version.
  await expect(page.getByText("v2", { exact: true })).toBeVisible();
  const saved = page.waitForResponse((r) => r.url().includes("pipelines.update") && r.request().method() === "POST");
  await page.getByRole("button", { name: "Save" }).click();
  expect((await saved).ok()).toBe(true);
  const again = await apiCall<{ version: string; config: { nodes: { id: string; description?: string; position?: unknown }[] } }>(request, admin, "GET", `/pipelines/${created.id}`);
  expect(again.version).toBe("2.0.0");
  expect(again.config.nodes.find((n) => n.id === "joined")).toMatchObject({ description: "orders with their customer", position: { x: expect.any(Number), y: expect.any(Number) } });
});
