import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

/**
 * The REST adapter calls services directly: no tRPC caller, no router module (their
 * input schemas would validate a second time and their output schemas walk results).
 * Tests may still drive tRPC beside REST to compare the two doors.
 */
const root = import.meta.dirname;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sources(full);
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) ? [full] : [];
  });
}

const imports = (text: string) =>
  [...text.matchAll(/(?:import|export)\s[^;]*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1] ?? m[2]!);

describe("src/server/rest", () => {
  const files = sources(root);

  it("has source files to scan", () => {
    expect(files.length).toBeGreaterThan(10);
    expect(files.some((f) => f.endsWith(path.join("routes", "queries.ts")))).toBe(true);
  });

  it("never imports a tRPC router or createCaller", () => {
    const offending = files.flatMap((file) => {
      const text = readFileSync(file, "utf8");
      const bad = imports(text).filter((spec) => /(^|\/)routers(\/|$)/.test(spec) || spec === "@trpc/server");
      if (/\bcreateCaller\b/.test(text)) bad.push("createCaller");
      return bad.map((spec) => `${path.relative(root, file)}: ${spec}`);
    });
    expect(offending).toEqual([]);
  });

  it("recognises the imports it forbids (the scan itself can fail)", () => {
    const sample = 'import { createCaller } from "../routers/_app";\nimport type { x } from "../../routers/jobs/dto";\nconst m = await import("@/server/routers/_app");';
    expect(imports(sample)).toEqual(["../routers/_app", "../../routers/jobs/dto", "@/server/routers/_app"]);
  });
});
