// `npm start`: builds the production bundle when the sources changed since the last
// build (or there is none), then starts server.mjs. A fresh clone needs nothing else.
// `npm run worker` (`--worker`): the same, as a process that only runs jobs (QUARRY_ROLE=worker).
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const stampFile = path.join(root, ".next", "quarry-source-stamp");
const inputs = ["src", "public", "prisma", "next.config.mjs", "package-lock.json", "tsconfig.json"];

function* files(entry) {
  const full = path.join(root, entry);
  if (!existsSync(full)) return;
  const stat = statSync(full);
  if (stat.isFile()) return yield [entry, stat];
  for (const child of readdirSync(full).sort()) {
    if (child === "vendor" || child.endsWith(".test.ts")) continue;
    yield* files(path.join(entry, child));
  }
}

function sourceStamp() {
  const hash = createHash("sha256");
  for (const input of inputs) {
    for (const [file, stat] of files(input)) hash.update(`${file}:${stat.size}:${stat.mtimeMs}\n`);
  }
  return hash.digest("hex");
}

const stamp = sourceStamp();
const built = existsSync(path.join(root, ".next", "BUILD_ID")) && existsSync(stampFile)
  ? readFileSync(stampFile, "utf8") === stamp
  : false;

if (!built) {
  console.log("Quarry: building the production bundle (first start or sources changed)…");
  const result = spawnSync(process.execPath, [path.join(root, "node_modules/next/dist/bin/next"), "build"], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
  });
  if (result.status !== 0) process.exit(result.status ?? 1);
  writeFileSync(stampFile, stamp);
}

if (process.argv.includes("--worker")) process.env.QUARRY_ROLE = "worker";
process.env.NODE_ENV = "production";
await import(path.join(root, "server.mjs"));
