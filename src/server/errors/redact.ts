import "server-only";
import { homedir, tmpdir } from "node:os";
import path from "node:path";
import { dataDir } from "../config/app-database";

/**
 * Takes server file-system paths out of text a client will see. Services avoid putting
 * them in messages; this is the backstop at the error formatters (REST and tRPC) for
 * driver, file-system and Prisma messages that quote a path anyway. Known roots (the
 * data dir, the working dir, the temp and home dirs) go first, then anything that looks
 * like an absolute path under a usual system root. URLs and API paths are left alone.
 */
const PLACEHOLDER = "<server path>";
const SYSTEM_ROOTS =
  "home|root|tmp|var|etc|usr|opt|srv|mnt|media|data|work|proc|dev|sys|run|private|Users|Volumes|app|workspace|snap|nix|lib|lib64|bin|sbin|boot";
const ABSOLUTE_PATH = new RegExp(`(^|[\\s'"\`(=:,\\[])/(?:${SYSTEM_ROOTS})(?:/[^\\s'"\`),;\\]]*)?(?=$|[\\s'"\`),;\\]])`, "g");
const WINDOWS_PATH = /(^|[\s'"`(=:,[])[A-Za-z]:\\[^\s'"`),;\]]*/g;

function knownRoots(): string[] {
  const roots = [dataDir(), process.cwd(), tmpdir(), homedir()].filter((r) => r && r !== path.parse(r).root);
  return [...new Set(roots)].sort((a, b) => b.length - a.length);
}

export function redactServerPaths(text: string): string {
  if (!text) return text;
  let out = text;
  for (const root of knownRoots()) {
    if (out.includes(root)) {
      out = out.replace(new RegExp(`(^|[\\s'"\`(=:,\\[])${escapeRegExp(root)}(?=$|[/\\s'"\`),;\\]])[^\\s'"\`),;\\]]*`, "g"), `$1${PLACEHOLDER}`);
    }
  }
  return out.replace(ABSOLUTE_PATH, `$1${PLACEHOLDER}`).replace(WINDOWS_PATH, `$1${PLACEHOLDER}`);
}

/** The same for every string inside a details value. */
export function redactDeep<T>(value: T, depth = 0): T {
  if (typeof value === "string") return redactServerPaths(value) as T;
  if (!value || typeof value !== "object" || depth > 8) return value;
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, depth + 1)) as T;
  if (value instanceof Date) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactDeep(v, depth + 1)])) as T;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
