import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { GET, POST } from "@/app/api/trpc/[trpc]/route";
import { rest, signedInUser } from "@/test/rest-client";
import { resetConfigForTests } from "./config";
import { resetRateLimitsForTests } from "./services/rate-limit";
import { rateBucketOf } from "./trpc";

/**
 * /api/trpc spends the same per-user budgets as the REST API: one general request per
 * procedure call (a batch of N costs N), the smaller query budget for procedures that
 * run SQL, and TOO_MANY_REQUESTS (HTTP 429) past either.
 */
function setLimits(api: number, query: number) {
  process.env.QUARRY_RATE_LIMIT_PER_MINUTE = String(api);
  process.env.QUARRY_QUERY_RATE_LIMIT_PER_MINUTE = String(query);
  resetConfigForTests();
  resetRateLimitsForTests();
}
beforeEach(() => setLimits(5, 2));
afterEach(() => {
  delete process.env.QUARRY_RATE_LIMIT_PER_MINUTE;
  delete process.env.QUARRY_QUERY_RATE_LIMIT_PER_MINUTE;
  resetConfigForTests();
  resetRateLimitsForTests();
});

const headers = (token: string) => ({ authorization: `Bearer ${token}`, "x-quarry-client-ip": "127.0.0.1" });

/** A batched tRPC query call of the given procedures (no inputs). */
async function batchQuery(token: string, procedures: string[]) {
  const input = encodeURIComponent(JSON.stringify(Object.fromEntries(procedures.map((_, i) => [i, {}]))));
  const res = await GET(
    new Request(`http://localhost/api/trpc/${procedures.join(",")}?batch=1&input=${input}`, { headers: headers(token) }),
  );
  return { status: res.status, headers: res.headers, body: (await res.json()) as any[] };
}

async function mutation(token: string, procedure: string, input: unknown) {
  const res = await POST(
    new Request(`http://localhost/api/trpc/${procedure}`, {
      method: "POST",
      headers: { ...headers(token), "content-type": "application/json" },
      body: JSON.stringify(input),
    }),
  );
  return { status: res.status, headers: res.headers, body: (await res.json()) as any };
}

const codes = (body: any[]) => body.map((r) => r.error?.data?.code ?? "OK");

describe("tRPC rate limits", () => {
  it("spends one general request per procedure call, batched calls counting each", async () => {
    const { token } = await signedInUser();
    const first = await batchQuery(token, ["auth.me", "auth.me", "auth.me"]);
    expect(codes(first.body)).toEqual(["OK", "OK", "OK"]);
    const second = await batchQuery(token, ["auth.me", "auth.me", "auth.me"]);
    expect(codes(second.body)).toEqual(["OK", "OK", "TOO_MANY_REQUESTS"]);
    const third = await batchQuery(token, ["auth.me"]);
    expect(third.status).toBe(429);
    expect(third.body[0].error.data.httpStatus).toBe(429);
    expect(Number(third.headers.get("retry-after"))).toBeGreaterThan(0);
  });

  it("shares the general budget with the REST API", async () => {
    const { token } = await signedInUser();
    for (let i = 0; i < 4; i++) expect((await rest("GET", "/auth/me", { token })).status).toBe(200);
    expect(codes((await batchQuery(token, ["auth.me", "auth.me"])).body)).toEqual(["OK", "TOO_MANY_REQUESTS"]);
    expect((await rest("GET", "/auth/me", { token })).status).toBe(429);
  });

  it("each user has a budget of their own", async () => {
    const a = await signedInUser();
    const b = await signedInUser();
    await batchQuery(a.token, ["auth.me", "auth.me", "auth.me", "auth.me", "auth.me"]);
    expect((await batchQuery(a.token, ["auth.me"])).status).toBe(429);
    expect((await batchQuery(b.token, ["auth.me"])).status).toBe(200);
  });

  it("procedures that run SQL spend the query budget, shared with REST query routes", async () => {
    const { token } = await signedInUser();
    const validate = () => mutation(token, "queries.validate", { dataSourceId: "no-such-source", sql: "SELECT 1" });
    expect((await validate()).status).toBe(404);
    expect((await validate()).status).toBe(404);
    const limited = await validate();
    expect(limited.status).toBe(429);
    expect(limited.body.error.data.code).toBe("TOO_MANY_REQUESTS");
    expect(limited.body.error.data.appCode).toBe("RATE_LIMITED");
    // The REST query route draws on the same (spent) budget.
    const viaRest = await rest("POST", "/queries/execute", { token, body: { sql: "SELECT 1", database_id: "no-such-source" } });
    expect(viaRest.status).toBe(429);
    // The general budget is untouched by query calls.
    expect((await batchQuery(token, ["auth.me"])).status).toBe(200);
  });

  it("classifies the SQL-running procedures into the query budget", () => {
    for (const p of ["queries.execute", "queries.exportFile", "queries.validate", "approvals.preview", "approvals.commit"]) {
      expect(rateBucketOf(p), p).toBe("query");
    }
    for (const p of ["auth.me", "queries.history", "datasources.list", "savedQueries.list"]) {
      expect(rateBucketOf(p), p).toBe("api");
    }
  });

  it("public procedures and unauthenticated calls are not charged to anyone", async () => {
    setLimits(1, 1);
    const res = await GET(new Request("http://localhost/api/trpc/auth.me", { headers: { "x-quarry-client-ip": "127.0.0.1" } }));
    expect(res.status).toBe(401);
  });
});
