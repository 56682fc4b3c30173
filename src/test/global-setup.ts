import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";

/**
 * Migrates one template app database with the real Prisma CLI (the same
 * `migrate deploy` server.mjs runs at start); each test file then copies it.
 */
export default function setup(project: TestProject) {
  const dir = mkdtempSync(path.join(tmpdir(), "quarry-template-"));
  execFileSync(process.execPath, [path.resolve("node_modules/prisma/build/index.js"), "migrate", "deploy"], {
    env: { ...process.env, QUARRY_DATA_DIR: dir, DATABASE_URL: "" },
    stdio: "pipe",
  });
  project.provide("templateDb", path.join(dir, "quarry.db"));
  return () => rmSync(dir, { recursive: true, force: true });
}

declare module "vitest" {
  export interface ProvidedContext {
    templateDb: string;
  }
}
