import "server-only";
import { validationFailed, type FieldIssue } from "../errors";

/**
 * Text that no field of Quarry's has a use for and that breaks what lies beyond: NUL
 * (truncates C strings in drivers and SQLite, PostgreSQL refuses it in text) and lone
 * UTF-16 surrogates (not encodable as UTF-8, so a driver or JSON encoder fails on
 * them). Refused at the door with 422 naming the field, for REST and tRPC alike.
 */
// eslint-disable-next-line no-control-regex
const FORBIDDEN_TEXT = /\u0000|\p{Cs}/u;
const MAX_DEPTH = 64;
const MAX_ISSUES = 20;

export function findForbiddenText(value: unknown, where: string): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const visit = (v: unknown, path: string, depth: number) => {
    if (issues.length >= MAX_ISSUES) return;
    if (typeof v === "string") {
      if (FORBIDDEN_TEXT.test(v)) issues.push({ field: path, message: describe(v) });
      return;
    }
    if (!v || typeof v !== "object") return;
    if (depth > MAX_DEPTH) {
      issues.push({ field: path, message: "is nested too deeply" });
      return;
    }
    if (Array.isArray(v)) {
      v.forEach((item, i) => visit(item, join(path, String(i)), depth + 1));
      return;
    }
    for (const [key, item] of Object.entries(v)) {
      if (FORBIDDEN_TEXT.test(key)) issues.push({ field: join(path, key.replace(FORBIDDEN_TEXT, "?")), message: `name ${describe(key)}` });
      else visit(item, join(path, key), depth + 1);
    }
  };
  visit(value, "", 0);
  return issues.map((i) => ({ ...i, field: i.field || `(${where})` }));
}

/** Throws VALIDATION_ERROR (422) listing each offending field. */
export function assertCleanInput(value: unknown, where: "body" | "query" | "input"): void {
  const issues = findForbiddenText(value, where);
  if (issues.length) throw validationFailed(issues, `Invalid request ${where}: text with NUL or unpaired surrogate characters`);
}

const join = (path: string, key: string) => (path ? `${path}.${key}` : key);
const describe = (text: string) =>
  // eslint-disable-next-line no-control-regex
  /\u0000/.test(text) ? "must not contain NUL (\\u0000) characters" : "must not contain unpaired UTF-16 surrogates";
