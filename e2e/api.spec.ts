import { expect, test } from "@playwright/test";
import WebSocket from "ws";
import { E2E_ADMIN } from "./fixtures";

/**
 * The REST API and the WebSocket endpoints against the production server, as a program
 * written for the seed documents would use them.
 */
async function adminToken(request: import("@playwright/test").APIRequestContext): Promise<string> {
  const res = await request.post("/api/v1/auth/login", { form: { username: E2E_ADMIN.email, password: E2E_ADMIN.password } });
  expect(res.status()).toBe(200);
  const body = await res.json();
  expect(body).toMatchObject({ token_type: "bearer" });
  return body.access_token as string;
}

function wsUrl(baseURL: string | undefined, path: string): string {
  return `${(baseURL ?? "http://127.0.0.1:3100").replace(/^http/, "ws")}${path}`;
}

test("health, docs and the OpenAPI document need no sign-in", async ({ request, page }) => {
  expect((await (await request.get("/health")).json()).status).toBe("ok");
  expect((await (await request.get("/api/v1/health")).json()).status).toBe("ok");
  const doc = await (await request.get("/api/docs/openapi.json")).json();
  expect(doc.openapi).toBe("3.1.0");
  expect(Object.keys(doc.paths)).toContain("/api/v1/queries");
  await page.goto("/api/docs");
  await expect(page.getByText("Quarry API", { exact: false }).first()).toBeVisible();
  await expect(page.locator(".opblock").first()).toBeVisible();
});

test("a query started without waiting reports its progress on /ws/query/:id", async ({ request, baseURL }) => {
  const token = await adminToken(request);
  const headers = { authorization: `Bearer ${token}` };
  const sources = await (await request.get("/api/v1/datasources", { headers })).json();
  const demo = sources.data.find((d: { is_demo: boolean }) => d.is_demo);
  expect(demo).toBeTruthy();
  const started = await request.post("/api/v1/queries", {
    headers,
    data: { data_source_id: demo.id, query_text: "SELECT count(*) AS n FROM order_items a CROSS JOIN regions b", wait: false },
  });
  expect(started.status()).toBe(202);
  const { query_id: id } = await started.json();

  const events = await new Promise<{ status: string }[]>((resolve, reject) => {
    const seen: { status: string }[] = [];
    const socket = new WebSocket(wsUrl(baseURL, `/ws/query/${id}?token=${token}`));
    socket.on("message", (data) => seen.push(JSON.parse(String(data))));
    socket.on("close", () => resolve(seen));
    socket.on("error", reject);
  });
  expect(events.length).toBeGreaterThan(0);
  expect(events.at(-1)).toMatchObject({ type: "status_changed", status: "completed", progress: 100 });
  const results = await (await request.get(`/api/v1/queries/${id}/results`, { headers })).json();
  expect(results.data[0].n).toBeGreaterThan(0);
});

test("WebSocket endpoints refuse strangers and unknown paths", async ({ baseURL }) => {
  const status = (path: string) =>
    new Promise<number>((resolve) => {
      const socket = new WebSocket(wsUrl(baseURL, path));
      socket.on("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
      socket.on("open", () => resolve(101));
      socket.on("error", () => resolve(-1));
    });
  expect(await status("/ws/query/anything")).toBe(401);
  expect(await status("/ws/nothing-here")).toBe(404);
});

test("bad input gets the documented status and format, never a 500", async ({ request }) => {
  const malformed = await request.post("/api/v1/auth/login", { headers: { "content-type": "application/json" }, data: Buffer.from("{oops") });
  expect(malformed.status()).toBe(400);
  expect(await malformed.json()).toMatchObject({ error: "bad request" });
  const revoked = await adminToken(request);
  expect((await request.post("/api/v1/auth/logout", { headers: { authorization: `Bearer ${revoked}` } })).status()).toBe(200);
  const after = await request.get("/api/v1/auth/me", { headers: { authorization: `Bearer ${revoked}` } });
  expect(after.status()).toBe(401);
  const unknown = await request.get("/api/v1/executions/nope", { headers: { authorization: `Bearer ${await adminToken(request)}` } });
  expect(unknown.status()).toBe(404);
  expect(await unknown.json()).toMatchObject({ error_code: "NOT_FOUND" });
});

test("a change made over REST is seen at once by the tRPC procedures the pages call", async ({ request }) => {
  // REST and tRPC are separate bundles of the production build; caches must not keep one
  // door's view after a write through the other.
  const headers = { authorization: `Bearer ${await adminToken(request)}` };
  const trpcNames = async () => {
    const res = await request.get("/api/trpc/datasources.list", { headers });
    expect(res.status()).toBe(200);
    const body = await res.json();
    return ((body.result.data.json ?? body.result.data) as { name: string }[]).map((s) => s.name);
  };
  const restSources = async () => (await (await request.get("/api/v1/datasources", { headers })).json()).data as { id: string; name: string; database_name: string }[];

  const before = await trpcNames(); // loads the tRPC side's cache
  const demo = (await restSources()).find((s) => s.name === before[0])!;
  const name = `Cache probe ${Date.now().toString(36)}`;
  const created = await request.post("/api/v1/datasources", { headers, data: { name, type: "sqlite", database_name: demo.database_name } });
  expect(created.status()).toBe(201);
  const id = (await created.json()).id as string;
  expect(await trpcNames()).toContain(name);

  const renamed = await request.put(`/api/v1/datasources/${id}`, { headers, data: { name: `${name} renamed` } });
  expect(renamed.status()).toBe(200);
  expect(await trpcNames()).toContain(`${name} renamed`);

  expect((await request.delete(`/api/v1/datasources/${id}`, { headers })).status()).toBeLessThan(300);
  const after = await trpcNames();
  expect(after.some((n) => n.startsWith(name))).toBe(false);
  expect(after).toEqual(before);
});
