import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetConfigForTests } from "@/server/config";
import { rest, signedInUser } from "@/test/rest-client";
import type { RestRoute } from "./route";
import { restRoutes } from "./table";

/**
 * A sweep of every REST route with hostile but well-formed input: wrong types, huge
 * and negative numbers, arrays where objects belong, odd ids and paging. Nothing may
 * answer 5xx, and every error must be in the route's documented format.
 */
beforeAll(() => {
  // The sweep sends many requests; budgets are tested elsewhere.
  process.env.QUARRY_RATE_LIMIT_PER_MINUTE = "1000000";
  process.env.QUARRY_QUERY_RATE_LIMIT_PER_MINUTE = "1000000";
  process.env.QUARRY_LOGIN_MAX_FAILURES = "1000000";
  resetConfigForTests();
});
afterAll(() => {
  delete process.env.QUARRY_RATE_LIMIT_PER_MINUTE;
  delete process.env.QUARRY_QUERY_RATE_LIMIT_PER_MINUTE;
  delete process.env.QUARRY_LOGIN_MAX_FAILURES;
  resetConfigForTests();
});

const hostileValues: unknown[] = [
  null,
  true,
  -1,
  0,
  1e308,
  -1e308,
  Number.MAX_SAFE_INTEGER + 2,
  1.5,
  "",
  " ",
  "x".repeat(20_000),
  "2024-13-45",
  "+275760-09-14",
  "0000-00-00",
  "🙂",
  "'; DROP TABLE users; --",
  [],
  [1, "a", null],
  {},
  { nested: { deeper: [{}] } },
];

const hostileParams = ["nope", "0", "-1", "99999999999999999999999", "1e999", "null", "undefined", "a b", ".x", "~", "💥", "x".repeat(300)];

const hostileQueries = [
  "page=-1",
  "page=0",
  "page=1e20",
  "page=abc",
  "page=1&page=2",
  "page_size=-5",
  "page_size=999999999",
  "limit=-1",
  "limit=1e999",
  "offset=-10",
  "sort=;drop",
  "status=%F0%9F%92%A5",
  "date_from=2024-13-45&date_to=99999-01-01",
  "search=" + "a".repeat(5000),
];

function bodyKeys(schema: unknown): string[] {
  const s = schema as { shape?: Record<string, unknown>; _zod?: { def?: { in?: { shape?: Record<string, unknown> } } } } | undefined;
  const shape = s?.shape ?? s?._zod?.def?.in?.shape;
  return shape ? Object.keys(shape) : [];
}

/** Bodies for one route: whole-body type confusion, then each known field set to each hostile value. */
function hostileBodies(route: RestRoute): unknown[] {
  const bodies: unknown[] = [[], [{}], "text", 42, null, { unknown_field: 1 }];
  const keys = bodyKeys(route.body);
  for (const value of hostileValues) {
    if (keys.length) bodies.push(Object.fromEntries(keys.map((k) => [k, value])));
    for (const key of keys.slice(0, 8)) bodies.push({ [key]: value });
  }
  return bodies;
}

function withParams(path: string, value: string): string {
  return path.replace(/:[a-z_]+/gi, encodeURIComponent(value));
}

function assertFormat(route: RestRoute, status: number, body: any, label: string) {
  expect(status, label).toBeLessThan(500);
  if (status < 400) return;
  if (route.format === "querybase") {
    expect(typeof body?.error, label).toBe("string");
    expect(body.details, label).toBeDefined();
  } else if (route.format === "etl") {
    expect(typeof body?.detail, label).toBe("string");
    expect(typeof body.error_code, label).toBe("string");
  } else {
    expect(typeof body?.error?.code, label).toBe("string");
    expect(typeof body.error.message, label).toBe("string");
  }
}

/** Routes that would end the sweeping user's own session; they get a throwaway user each time. */
const SIGNS_OUT = new Set(["POST /auth/logout", "POST /auth/change-password"]);

describe("REST fuzz sweep", () => {
  let tokens: Record<string, string>;
  beforeAll(async () => {
    tokens = {
      admin: (await signedInUser("admin")).token,
      viewer: (await signedInUser("viewer")).token,
    };
  });

  it("covers the whole table", () => {
    expect(restRoutes.length).toBeGreaterThan(50);
  });

  it.each(restRoutes.map((r) => [`${r.method} ${r.path}`, r] as const))("%s never answers 5xx", async (label, route) => {
    for (const who of ["admin", "viewer", "anonymous"] as const) {
      const token = SIGNS_OUT.has(label) && who !== "anonymous" ? (await signedInUser(who)).token : tokens[who];
      const send = async (path: string, body?: unknown) => {
        const res = await rest(route.method, path, { token, body: route.method === "GET" ? undefined : body });
        assertFormat(route, res.status, res.body, `${who} ${route.method} ${path} ${JSON.stringify(body)?.slice(0, 120)}`);
      };
      for (const param of hostileParams) await send(withParams(route.path, param), {});
      const path = withParams(route.path, "nope");
      for (const query of hostileQueries) await send(`${path}?${query}`, {});
      if (route.method !== "GET" && who !== "anonymous") {
        for (const body of hostileBodies(route)) await send(path, body);
      }
    }
  });
});
