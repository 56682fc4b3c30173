import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetConfigForTests } from "@/server/config";
import { rest, signedInUser } from "@/test/rest-client";

/** Opt-in CORS: only QUARRY_CORS_ORIGINS get CORS headers, with credentials; preflights are cached. */
const allowed = "http://localhost:5173";
let token: string;

beforeAll(async () => {
  process.env.QUARRY_CORS_ORIGINS = `${allowed}, https://querybase.example.test/`;
  process.env.QUARRY_CORS_MAX_AGE = "900";
  resetConfigForTests();
  token = (await signedInUser("analyst")).token;
});
afterAll(() => {
  delete process.env.QUARRY_CORS_ORIGINS;
  delete process.env.QUARRY_CORS_MAX_AGE;
  resetConfigForTests();
});

describe("CORS", () => {
  it("answers a listed origin's preflight with methods, headers, credentials and a max age", async () => {
    const res = await rest("OPTIONS", "/datasources", {
      headers: { origin: allowed, "access-control-request-method": "POST", "access-control-request-headers": "authorization, content-type" },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe(allowed);
    expect(res.headers.get("access-control-allow-credentials")).toBe("true");
    expect(res.headers.get("access-control-allow-methods")).toContain("POST");
    expect(res.headers.get("access-control-allow-headers")).toBe("authorization, content-type");
    expect(res.headers.get("access-control-max-age")).toBe("900");
    expect(res.headers.get("vary")).toContain("Origin");
  });

  it("a listed origin (trailing slash in the setting or not) gets its own origin back, never *, and the paging headers exposed", async () => {
    for (const origin of [allowed, "https://querybase.example.test"]) {
      const res = await rest("GET", "/datasources", { token, headers: { origin } });
      expect(res.status).toBe(200);
      expect(res.headers.get("access-control-allow-origin")).toBe(origin);
      expect(res.headers.get("access-control-allow-credentials")).toBe("true");
      expect(res.headers.get("access-control-expose-headers")).toContain("X-Total-Count");
    }
    // Errors carry them too, so the client can read the error body.
    const denied = await rest("GET", "/datasources", { headers: { origin: allowed } });
    expect(denied.status).toBe(401);
    expect(denied.headers.get("access-control-allow-origin")).toBe(allowed);
  });

  it("an origin not listed gets no CORS headers, on preflight or request", async () => {
    for (const origin of ["http://evil.example.test", "http://localhost:5174", "null"]) {
      const pre = await rest("OPTIONS", "/datasources", { headers: { origin, "access-control-request-method": "GET" } });
      expect(pre.headers.get("access-control-allow-origin")).toBeNull();
      expect(pre.headers.get("access-control-allow-credentials")).toBeNull();
      const res = await rest("GET", "/datasources", { token, headers: { origin } });
      expect(res.headers.get("access-control-allow-origin")).toBeNull();
    }
  });

  it("is off when QUARRY_CORS_ORIGINS is unset", async () => {
    delete process.env.QUARRY_CORS_ORIGINS;
    resetConfigForTests();
    try {
      const res = await rest("OPTIONS", "/datasources", { headers: { origin: allowed, "access-control-request-method": "GET" } });
      expect(res.headers.get("access-control-allow-origin")).toBeNull();
    } finally {
      process.env.QUARRY_CORS_ORIGINS = allowed;
      resetConfigForTests();
    }
  });
});
