import { beforeAll, describe, expect, it } from "vitest";
import { POST as trpcPost } from "@/app/api/trpc/[trpc]/route";
import { rest, signedInUser } from "@/test/rest-client";
import { handleRestRequest, undecodablePathResponse, unsupportedMethodResponse } from "./handler";

/** Bad input of every class answers 4xx in the route's own error format, never 5xx. */
let admin: Awaited<ReturnType<typeof signedInUser>>;
let analyst: Awaited<ReturnType<typeof signedInUser>>;
beforeAll(async () => {
  admin = await signedInUser("admin");
  analyst = await signedInUser("analyst");
});

/** Asserts the body is in `format`'s documented error shape. */
function expectFormat(format: "querybase" | "etl" | "insight", body: any, code?: string) {
  if (format === "querybase") {
    expect(typeof body.error).toBe("string");
    expect(body.details).toBeDefined();
  } else if (format === "etl") {
    expect(typeof body.detail).toBe("string");
    if (code) expect(body.error_code).toBe(code);
    expect(Date.parse(body.timestamp)).not.toBeNaN();
  } else {
    expect(typeof body.error.code).toBe("string");
    if (code) expect(body.error.code).toBe(code);
    expect(typeof body.error.message).toBe("string");
  }
}

describe("methods", () => {
  it.each([
    ["FOO", "/saved-queries", "insight"],
    ["PROPFIND", "/connections", "etl"],
    ["PURGE", "/datasources", "querybase"],
    ["FOO", "/no-such-route", "querybase"],
  ] as const)("%s %s is 405 in the route's format", async (method, path, format) => {
    const res = await rest(method, path, { token: admin.token });
    expect(res.status).toBe(405);
    expectFormat(format, res.body);
  });

  it.each([
    ["TRACE", "/api/v1/auth/login", "querybase"],
    ["CONNECT", "/api/v1/connections", "etl"],
    ["TRACK", "/api/v1/saved-queries/x", "insight"],
  ] as const)("%s %s (methods Next will not route, answered for server.mjs) is 405", async (method, path, format) => {
    const res = unsupportedMethodResponse(method, path);
    expect(res.status).toBe(405);
    expectFormat(format, await res.json());
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  });

  it("answers non-API paths with a plain 405 for unsupported methods", async () => {
    const res = unsupportedMethodResponse("TRACE", "/login");
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toContain("GET");
  });

  it("OPTIONS lists the methods of a route, 404 when there is none", async () => {
    const res = await handleRestRequest(new Request("http://localhost/api/v1/saved-queries/abc", { method: "OPTIONS" }));
    expect(res.status).toBe(204);
    expect(res.headers.get("allow")!.split(", ").sort()).toEqual(["DELETE", "GET", "HEAD", "OPTIONS", "PUT"]);
    const none = await handleRestRequest(new Request("http://localhost/api/v1/nothing/here", { method: "OPTIONS" }));
    expect(none.status).toBe(404);
  });

  it("HEAD answers like GET", async () => {
    const res = await handleRestRequest(new Request("http://localhost/api/v1/health", { method: "HEAD" }));
    expect(res.status).toBe(200);
  });
});

describe("undecodable and control-character paths", () => {
  const bad = ["%E0%A4%A", "%E0%A4", "%", "%zz", "%C0%AF", "%ED%A0%80", "%FF", "%00", "a%00b", "x%0Ay"];
  it.each([
    ["/queries/", "querybase"],
    ["/saved-queries/", "insight"],
    ["/connections/", "etl"],
    ["/datasources/", "querybase"],
  ] as const)("GET %s<bad> is 400 in the route's format, signed in or not", async (prefix, format) => {
    for (const segment of bad) {
      for (const token of [admin.token, undefined]) {
        const res = await rest("GET", `${prefix}${segment}`, { token });
        expect(res.status, `${prefix}${segment}`).toBe(400);
        expectFormat(format, res.body);
      }
    }
  });

  it.each([
    ["/api/v1/queries/%E0%A4%A", "querybase"],
    ["/api/v1/connections/%C0%AF", "etl"],
    ["/api/v1/saved-queries/%ED%A0%80", "insight"],
  ] as const)("%s, which Next cannot decode, is answered for server.mjs with 400 in the route's format", async (path, format) => {
    const res = undecodablePathResponse(path);
    expect(res.status).toBe(400);
    expectFormat(format, await res.json());
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    expect(undecodablePathResponse("/share/%E0%A4%A").status).toBe(400);
  });

  it("an overlong path is 400", async () => {
    const res = await rest("GET", `/queries/${"a".repeat(5000)}`, { token: admin.token });
    expect(res.status).toBe(400);
  });
});

describe("NUL and unpaired surrogates in strings", () => {
  const poisoned = ["a\u0000b", "\u0000", "\ud800", "x\udfff", "\udc00\ud800"];

  it.each(poisoned.map((p) => [JSON.stringify(p), p]))("JSON body string %s is 422 naming the field", async (_label, text) => {
    const res = await rest("POST", "/saved-queries", { token: analyst.token, body: { title: text, sql: "SELECT 1" } });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe("VALIDATION_ERROR");
    expect(res.body.error.details).toEqual([expect.objectContaining({ field: "title" })]);
  });

  it("finds them nested in arrays and objects, and in keys", async () => {
    const nested = await rest("POST", "/saved-queries", {
      token: analyst.token,
      body: { title: "ok", sql: "SELECT 1", tags: ["fine", "bad\ud800"] },
    });
    expect(nested.status).toBe(422);
    expect(nested.body.error.details).toEqual([expect.objectContaining({ field: "tags.1" })]);
    const key = await rest("POST", "/saved-queries", { token: analyst.token, body: { title: "ok", sql: "SELECT 1", "x\u0000": 1 } });
    expect(key.status).toBe(422);
  });

  it("is refused in the route's format on QueryBase and ETL routes, and on public routes", async () => {
    const qb = await rest("POST", "/auth/login", { body: { email: "a\u0000@example.test", password: "whatever-1" } });
    expect(qb.status).toBe(422);
    expect(qb.body).toMatchObject({ error: "validation failed", details: { field: "email" } });
    const etl = await rest("POST", "/auth/register", { body: { email: "b@example.test", password: "long-enough\ud800" } });
    expect(etl.status).toBe(422);
    expect(etl.body.errors).toEqual([expect.objectContaining({ field: "password" })]);
  });

  it("is refused in query strings and form bodies", async () => {
    const query = await rest("GET", "/saved-queries?search=a%00b", { token: analyst.token });
    expect(query.status).toBe(422);
    expect(query.body.error.details).toEqual([expect.objectContaining({ field: "search" })]);
    const form = await rest("POST", "/auth/login", { form: { username: "bob\u0000", password: "pw-pw-pw" } });
    expect(form.status).toBe(422);
  });

  it("is refused by tRPC with UNPROCESSABLE_CONTENT (422) and the field", async () => {
    for (const title of poisoned) {
      const res = await trpcPost(
        new Request("http://localhost/api/trpc/savedQueries.create", {
          method: "POST",
          headers: { authorization: `Bearer ${analyst.token}`, "content-type": "application/json" },
          body: JSON.stringify({ title, sql: "SELECT 1" }),
        }),
      );
      expect(res.status).toBe(422);
      const body = (await res.json()) as any;
      expect(body.error.data.code).toBe("UNPROCESSABLE_CONTENT");
      expect(body.error.data.fields).toEqual([expect.objectContaining({ field: "title" })]);
    }
  });
});

describe("out-of-range and invalid dates", () => {
  const badDates = [
    "2024-13-45",
    "2024-02-30",
    "2023-02-29",
    "+275760-09-14",
    "-000001-01-01",
    "0000-01-01",
    "99999-01-01",
    "2024-01-01T25:00:00Z",
    "2024-01-01T10:61",
    "8640000000000001",
    "1e309",
    "yesterday",
  ];
  it.each(["/audit-logs", "/admin/logs"])("%s answers 422 for each, in the route's format", async (path) => {
    for (const d of badDates) {
      for (const param of ["date_from", "date_to"]) {
        const res = await rest("GET", `${path}?${param}=${encodeURIComponent(d)}`, { token: admin.token });
        expect(res.status, `${param}=${d}`).toBe(422);
        expect(res.body.error.code).toBe("VALIDATION_ERROR");
      }
    }
  });

  it("still accepts real dates and date-times", async () => {
    for (const d of ["2024-02-29", "2024-01-15T10:00:00Z", "2024-01-15T10:00:00.123+02:00", "9999-12-31"]) {
      const res = await rest("GET", `/audit-logs?date_from=${encodeURIComponent(d)}`, { token: admin.token });
      expect(res.status, d).toBe(200);
    }
  });
});

describe("unknown data source ids on saved queries", () => {
  it.each(["admin", "analyst"] as const)("create answers 404 for %s, in both spellings", async (who) => {
    const token = who === "admin" ? admin.token : analyst.token;
    const insight = await rest("POST", "/saved-queries", { token, body: { title: "t", sql: "SELECT 1", database_id: "no-such-source" } });
    expect(insight.status).toBe(404);
    expect(insight.body.error.code).toBe("NOT_FOUND");
    const qb = await rest("POST", "/queries/save", { token, body: { name: "t", query_text: "SELECT 1", data_source_id: "no-such-source" } });
    expect(qb.status).toBe(404);
    expect(qb.body.error).toBe("not found");
  });

  it("update answers 404 and leaves the query unchanged", async () => {
    const created = await rest("POST", "/saved-queries", { token: admin.token, body: { title: "keep", sql: "SELECT 1" } });
    expect(created.status).toBe(201);
    const id = created.body.id;
    for (const database_id of ["no-such-source", ""]) {
      const res = await rest("PUT", `/saved-queries/${id}`, { token: admin.token, body: { database_id } });
      expect(res.status, JSON.stringify(database_id)).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
    }
    const after = await rest("GET", `/saved-queries/${id}`, { token: admin.token });
    expect(after.body.database_id).toBeNull();
  });
});
