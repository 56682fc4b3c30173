import { describe, expect, it } from "vitest";
import nextConfig, { securityHeaders } from "../../../next.config.mjs";
import { GET as docsPage } from "@/app/api/docs/route";
import { GET as openApiJson } from "@/app/api/docs/openapi.json/route";
import { GET as health } from "@/app/health/route";
import { GET as trpcGet } from "@/app/api/trpc/[trpc]/route";
import { rest, signedInUser } from "@/test/rest-client";
import { SECURITY_HEADERS } from "./security-headers";

function expectSecurityHeaders(headers: Headers, where: string) {
  expect(headers.get("content-security-policy"), where).toBe("frame-ancestors 'none'");
  expect(headers.get("x-frame-options"), where).toBe("DENY");
  expect(headers.get("x-content-type-options"), where).toBe("nosniff");
  expect(headers.get("referrer-policy"), where).toBe("strict-origin-when-cross-origin");
}

describe("security headers", () => {
  it("next.config sends the same set on every path Next serves (pages included)", async () => {
    const rules = await nextConfig.headers!();
    const all = rules.find((r) => r.source === "/:path*");
    expect(all).toBeDefined();
    expect(Object.fromEntries(all!.headers.map((h) => [h.key, h.value]))).toEqual(SECURITY_HEADERS);
    expect(securityHeaders).toBe(all!.headers);
  });

  it("are on /api/v1 answers: success, errors, 404, 405, 401", async () => {
    const { token } = await signedInUser();
    const cases = [
      await rest("GET", "/auth/me", { token }),
      await rest("GET", "/auth/me"),
      await rest("GET", "/no-such-route"),
      await rest("DELETE", "/auth/login"),
      await rest("POST", "/auth/login", { body: "{bad" }),
    ];
    cases.forEach((res, i) => expectSecurityHeaders(res.headers, `case ${i} (${res.status})`));
  });

  it("are on /health, /api/docs and /api/docs/openapi.json", async () => {
    expectSecurityHeaders((await health(new Request("http://localhost/health"))).headers, "/health");
    expectSecurityHeaders(docsPage().headers, "/api/docs");
    expectSecurityHeaders(openApiJson().headers, "/api/docs/openapi.json");
  });

  it("are on /api/trpc answers, success and error alike", async () => {
    const { token } = await signedInUser();
    const ok = await trpcGet(new Request("http://localhost/api/trpc/auth.me", { headers: { authorization: `Bearer ${token}` } }));
    expect(ok.status).toBe(200);
    expectSecurityHeaders(ok.headers, "trpc 200");
    const denied = await trpcGet(new Request("http://localhost/api/trpc/auth.me"));
    expect(denied.status).toBe(401);
    expectSecurityHeaders(denied.headers, "trpc 401");
  });
});
