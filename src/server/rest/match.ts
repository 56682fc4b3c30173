import "server-only";
import { badRequest } from "../errors";
import type { RestRoute } from "./route";

interface CompiledRoute {
  route: RestRoute;
  segments: string[];
}

export interface RouteMatch {
  route: RestRoute;
  params: Record<string, string>;
}

/** `{x}` and `:x` are the same placeholder (the seeds use both). */
export function normalizePath(path: string): string {
  return path.replace(/\{([^}]+)\}/g, ":$1").replace(/\/+$/, "") || "/";
}

const split = (path: string) => normalizePath(path).split("/").filter(Boolean);

/**
 * Matches method + path against the table. Literal segments beat placeholders, so
 * `/approvals/counts` wins over `/approvals/:id`.
 */
export class RouteMatcher {
  private readonly compiled: CompiledRoute[];

  constructor(routes: RestRoute[]) {
    this.compiled = routes
      .map((route) => ({ route, segments: split(route.path) }))
      .sort((a, b) => specificity(b.segments) - specificity(a.segments));
  }

  match(method: string, path: string): RouteMatch | { allowed: string[] } | null {
    const parts = split(path).map(safeDecode);
    const allowed: string[] = [];
    for (const { route, segments } of this.compiled) {
      const params = matchSegments(segments, parts);
      if (!params) continue;
      if (route.method === method) return { route, params };
      allowed.push(route.method);
    }
    return allowed.length ? { allowed: [...new Set(allowed)] } : null;
  }
}

/** Every method some route serves at `path` (throws like `match` on a bad path). */
export function allowedAt(matcher: RouteMatcher, path: string): string[] {
  const found = matcher.match("", path);
  return found && "allowed" in found ? found.allowed : [];
}

function specificity(segments: string[]): number {
  return segments.reduce((score, s, i) => score + (s.startsWith(":") ? 0 : 2 ** (20 - i)), 0);
}

function matchSegments(segments: string[], parts: string[]): Record<string, string> | null {
  if (segments.length !== parts.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    const part = parts[i]!;
    if (segment.startsWith(":")) params[segment.slice(1)] = part;
    else if (segment !== part) return null;
  }
  return params;
}

/**
 * Strict decoding: a malformed escape, overlong or surrogate UTF-8, or a control
 * character (NUL included) in a path segment is the client's error (400), never an id
 * handed on to a service.
 */
function safeDecode(part: string): string {
  let decoded: string;
  try {
    decoded = decodeURIComponent(part);
  } catch {
    throw badRequest("The request path is not valid percent-encoded UTF-8");
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(decoded)) throw badRequest("The request path contains control characters");
  return decoded;
}
