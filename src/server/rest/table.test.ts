import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { normalizePath, RouteMatcher } from "./match";
import type { ErrorFormat } from "./formats";
import { restRoutes } from "./table";

/**
 * Checks the REST table against ../shared/api/routes.tsv, the list of every documented
 * route and the area (issue) that owns it. Areas listed in `implementedAreas` must be
 * complete; each route's error format must follow the precedence rule.
 */
const implementedAreas = ["foundation", "workbench", "governance", "ai", "platform", "pipelines"];
// A partly built area lists its finished rows here (none now: every area is complete).
const implementedRoutes = /(?!)/;

const seedFormat: Record<string, ErrorFormat> = {
  "000": "insight", // InsightEngine
  "001": "insight", // Analytics Assistant uses InsightEngine's format
  "002": "etl", // ETL Builder
  "003": "querybase", // QueryBase
};
const precedence: ErrorFormat[] = ["querybase", "etl", "insight"];

const tsvPath = path.resolve(import.meta.dirname, "../../../../shared/api/routes.tsv");
const haveTsv = existsSync(tsvPath);
if (!haveTsv) {
  if (process.env.CI) throw new Error(`${tsvPath} is missing; CI runs with shared/ beside the clone`);
  console.warn(`[skip] ${tsvPath} not found: the route-completeness checks are skipped`);
}

interface Row {
  seed: string;
  method: string;
  path: string;
  area: string;
}

const rows: Row[] = haveTsv
  ? readFileSync(tsvPath, "utf8")
      .trim()
      .split("\n")
      .slice(1)
      .map((line) => {
        const [seed, method, p, area] = line.split("\t");
        return { seed: seed!, method: method!, path: normalizePath(p!), area: area! };
      })
  : [];

const restPath = (p: string) => p.replace(/^\/api\/v1/, "") || "/";

describe.skipIf(!haveTsv)("REST table vs routes.tsv", () => {
  const matcher = new RouteMatcher(restRoutes);

  it("has every documented route of the implemented areas", () => {
    const missing = rows
      .filter((r) => (implementedAreas.includes(r.area) || implementedRoutes.test(r.path)) && r.method !== "WS")
      .filter((r) => {
        const found = matcher.match(r.method, restPath(r.path));
        return !found || "allowed" in found;
      })
      .map((r) => `${r.method} ${r.path} (${r.area})`);
    expect(missing).toEqual([]);
  });

  it("gives each documented route the format of its earliest document", () => {
    const wrong: string[] = [];
    for (const route of restRoutes) {
      const documented = rows.filter(
        (r) => r.method === route.method && restPath(r.path) === normalizePath(route.path),
      );
      if (documented.length === 0) continue;
      const formats = documented.map((r) => seedFormat[r.seed.slice(0, 3)]!);
      const expected = precedence.find((f) => formats.includes(f));
      if (expected !== route.format) wrong.push(`${route.method} ${route.path}: ${route.format}, expected ${expected}`);
    }
    expect(wrong).toEqual([]);
  });

  it("documents every route it answers (no invented /api/v1 routes; additions say why)", () => {
    const documented = new Set(rows.map((r) => `${r.method} ${restPath(r.path)}`));
    const extra = restRoutes
      .filter((r) => !r.addition?.trim())
      .map((r) => `${r.method} ${normalizePath(r.path)}`)
      .filter((key) => !documented.has(key));
    expect(extra).toEqual([]);
  });

  it("marks as an addition only routes that really are undocumented", () => {
    const documented = new Set(rows.map((r) => `${r.method} ${restPath(r.path)}`));
    const mislabelled = restRoutes
      .filter((r) => r.addition && documented.has(`${r.method} ${normalizePath(r.path)}`))
      .map((r) => `${r.method} ${r.path}`);
    expect(mislabelled).toEqual([]);
  });

  it("knows every seed the file names", () => {
    const unknown = rows.filter((r) => !seedFormat[r.seed.slice(0, 3)]);
    expect(unknown).toEqual([]);
  });
});

describe("RouteMatcher", () => {
  it("prefers literal segments over placeholders and reports allowed methods", () => {
    const matcher = new RouteMatcher([
      { ...restRoutes[0]!, method: "GET", path: "/approvals/:id" },
      { ...restRoutes[0]!, method: "GET", path: "/approvals/counts" },
      { ...restRoutes[0]!, method: "POST", path: "/approvals/:id/review" },
    ]);
    const counts = matcher.match("GET", "/approvals/counts");
    expect(counts && "route" in counts && counts.route.path).toBe("/approvals/counts");
    const byId = matcher.match("GET", "/approvals/abc");
    expect(byId && "params" in byId && byId.params).toEqual({ id: "abc" });
    expect(matcher.match("DELETE", "/approvals/abc")).toEqual({ allowed: ["GET"] });
    expect(matcher.match("GET", "/nothing")).toBeNull();
  });

  it("treats {x} and :x as the same placeholder", () => {
    expect(normalizePath("/pipelines/{pipeline_id}/execute")).toBe("/pipelines/:pipeline_id/execute");
  });
});
