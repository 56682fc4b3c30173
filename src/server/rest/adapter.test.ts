import { describe, expect, it } from "vitest";
import { rest, signedInUser } from "@/test/rest-client";
import { openApiDocument } from "./openapi";
import { formatError } from "./formats";
import { AppError } from "../errors";
import { pageWindow, pagingHeaders } from "./pagination";

describe("REST adapter edges", () => {
  it("answers unknown routes with 404 in the format owning the prefix", async () => {
    const qb = await rest("GET", "/no-such-thing");
    expect(qb.status).toBe(404);
    expect(qb.body).toMatchObject({ error: "not found" });
    const auth = await rest("GET", "/auth/nope"); // auth/* routes are QueryBase-first
    expect(auth.status).toBe(404);
    expect(auth.body.error).toBe("not found");
    const etl = await rest("POST", "/pipelines/x/run");
    expect(etl.status).toBe(404);
    expect(etl.body).toMatchObject({ error_code: "NOT_FOUND", detail: "No API route POST /api/v1/pipelines/x/run" });
    const insight = await rest("GET", "/chat/no-such-thing");
    expect(insight.body.error.code).toBe("NOT_FOUND");
  });

  it("answers a wrong method with 405 and Allow", async () => {
    const res = await rest("DELETE", "/auth/login");
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("POST");
  });

  it("rejects malformed JSON with 400, not 500", async () => {
    const res = await rest("POST", "/auth/login", { body: "{not json" });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: "bad request", details: "The request body is not valid JSON", code: "BAD_REQUEST" });
  });

  it("rejects an unsupported content type with 415", async () => {
    const res = await rest("POST", "/auth/login", { body: "<xml/>", headers: { "content-type": "application/xml" } });
    expect(res.status).toBe(415);
  });

  it("rejects an oversized body with 413 before parsing it", async () => {
    const huge = JSON.stringify({ email: "a@b.c", password: "x".repeat(2 * 1024 * 1024) });
    const res = await rest("POST", "/auth/login", { body: huge });
    expect(res.status).toBe(413);
    expect(res.body.error).toBe("payload too large");
  });

  it("rejects a JSON array body with 422", async () => {
    const res = await rest("POST", "/auth/login", { body: [] });
    expect(res.status).toBe(422);
  });

  it("serves /health without auth", async () => {
    const res = await rest("GET", "/health");
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: "ok", checks: { app_database: "ok" } });
    expect(Date.parse(res.body.timestamp)).not.toBeNaN();
  });

  it("returns 429 in the route's format once the per-user budget is spent", async () => {
    process.env.QUARRY_RATE_LIMIT_PER_MINUTE = "3";
    const { resetConfigForTests } = await import("../config");
    resetConfigForTests();
    try {
      const { token } = await signedInUser();
      const statuses: number[] = [];
      let last;
      for (let i = 0; i < 4; i++) {
        last = await rest("GET", "/auth/me", { token });
        statuses.push(last.status);
      }
      expect(statuses).toEqual([200, 200, 200, 429]);
      expect(last!.body.error).toBe("rate limit exceeded");
      expect(last!.headers.get("x-ratelimit-remaining")).toBe("0");
      expect(Number(last!.headers.get("retry-after"))).toBeGreaterThan(0);
      const logout = await rest("POST", "/auth/logout", { token });
      expect(logout.status).toBe(429);
      expect(logout.body.error.code).toBe("RATE_LIMITED"); // InsightEngine format
    } finally {
      delete process.env.QUARRY_RATE_LIMIT_PER_MINUTE;
      resetConfigForTests();
    }
  });
});

describe("error formats", () => {
  const err = new AppError("NOT_FOUND", "data source x was not found");
  it("speaks QueryBase, ETL Builder and InsightEngine", () => {
    expect(formatError("querybase", err).body).toMatchObject({ error: "not found", details: "data source x was not found" });
    expect(formatError("etl", err).body).toMatchObject({ detail: "data source x was not found", error_code: "NOT_FOUND" });
    expect(formatError("insight", err).body).toEqual({
      error: { code: "NOT_FOUND", message: "data source x was not found", details: [] },
      // The Analytics Assistant's real frontend reads `detail`.
      detail: "data source x was not found",
    });
  });

  it("hides a bug's message from clients", () => {
    const bug = new AppError("INTERNAL", "TypeError: cannot read x of undefined at /src/a.ts:3");
    for (const format of ["querybase", "etl", "insight"] as const) {
      expect(JSON.stringify(formatError(format, bug).body)).not.toContain("TypeError");
    }
  });
});

describe("pagination", () => {
  it("accepts page_size and limit and emits the X-* headers", () => {
    expect(pageWindow({ page: 3, page_size: 20 }, 50)).toEqual({ page: 3, pageSize: 20, skip: 40 });
    expect(pageWindow({ page: 1, limit: 500 }, 50, 100)).toEqual({ page: 1, pageSize: 100, skip: 0 });
    expect(pagingHeaders({ page: 2, pageSize: 20, total: 41 })).toEqual({
      "X-Total-Count": "41",
      "X-Page": "2",
      "X-Page-Size": "20",
      "X-Total-Pages": "3",
    });
  });
});

describe("OpenAPI document", () => {
  it("lists every table route with its schemas", () => {
    const doc = openApiDocument();
    expect(doc.openapi).toBe("3.1.0");
    const login = doc.paths["/api/v1/auth/login"]?.post as any;
    expect(login.requestBody.content["application/json"].schema.properties).toHaveProperty("password");
    expect(login.requestBody.content["application/x-www-form-urlencoded"]).toBeDefined();
    expect((doc.paths["/api/v1/auth/me"]?.get as any).security).toEqual([{ bearerAuth: [] }]);
  });
});
