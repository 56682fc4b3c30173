import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

/**
 * `services/execution` is the only way to a target database: no module outside it may
 * import the connector registry (or the connector barrel that re-exports it, or an
 * engine's connector factory), nor execution's own connection module. Type-only imports
 * of `connectors/types` are fine: they carry no way to run SQL. Tests may build a
 * connector directly to test connector behaviour, so `*.test.ts` files are exempt.
 */
const root = path.resolve(__dirname, "../../..");
const executionDir = path.join(root, "server/services/execution");
const connectorsDir = path.join(root, "server/connectors");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.(ts|tsx|mts|mjs|js)$/.test(entry.name) ? [full] : [];
  });
}

const SPECIFIER = /(?:from\s+|import\s*\(\s*|require\s*\(\s*|import\s+)["']([^"']+)["']/g;

/** The import specifiers of a file that reach a connector: the registry, the barrel, an engine's factory, or execution/connection. */
function forbiddenImports(file: string, text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(SPECIFIER)) {
    const spec = match[1]!;
    const resolved = spec.startsWith("@/") ? path.join(root, spec.slice(2)) : spec.startsWith(".") ? path.resolve(path.dirname(file), spec) : null;
    if (!resolved) continue;
    const rel = path.relative(connectorsDir, resolved).replace(/\.(ts|js)$/, "");
    const reachesConnector = !rel.startsWith("..") && (rel === "" || rel === "index" || rel === "registry" || /^(postgres|mysql|sqlite)(\/index)?$/.test(rel));
    const reachesExecutionConnection = path.relative(executionDir, resolved).replace(/\.(ts|js)$/, "") === "connection";
    if (reachesConnector || reachesExecutionConnection) found.push(spec);
  }
  return found;
}

describe("the execution boundary", () => {
  it("no module outside services/execution imports the connector registry", () => {
    const offenders = sourceFiles(root)
      .filter((f) => !f.startsWith(executionDir + path.sep) && !f.startsWith(connectorsDir + path.sep))
      .filter((f) => !/\.test\.tsx?$/.test(f))
      // `npm run eval:nl2sql` opens its own evaluation databases (no user, no grants): a
      // development tool beside the engine, not a path the app serves.
      .filter((f) => !f.startsWith(path.join(root, "server/ai/nl2sql/eval") + path.sep))
      .flatMap((f) => forbiddenImports(f, readFileSync(f, "utf8")).map((spec) => `${path.relative(root, f)} imports ${spec}`));
    expect(offenders).toEqual([]);
  });

  it("only execution/connection.ts imports the registry inside services/execution", () => {
    const importers = sourceFiles(executionDir)
      .filter((f) => !/\.test\.ts$/.test(f))
      .filter((f) => forbiddenImports(f, readFileSync(f, "utf8")).some((spec) => /connectors(\/registry|\/index)?$/.test(spec)));
    expect(importers.map((f) => path.basename(f))).toEqual(["connection.ts"]);
  });

  it("recognises every way of spelling such an import (so the scan can fail)", () => {
    const file = path.join(root, "server/services/queries/example.ts");
    expect(forbiddenImports(file, `import { getConnector } from "../../connectors/registry";`)).toHaveLength(1);
    expect(forbiddenImports(file, `import { getConnector } from "@/server/connectors";`)).toHaveLength(1);
    expect(forbiddenImports(file, `const m = await import("../../connectors/postgres");`)).toHaveLength(1);
    expect(forbiddenImports(file, `import { connectorFor } from "../execution/connection";`)).toHaveLength(1);
    expect(forbiddenImports(file, `import type { Connector } from "../../connectors/types";`)).toHaveLength(0);
    expect(forbiddenImports(file, `import { execution } from "../execution";`)).toHaveLength(0);
  });
});
