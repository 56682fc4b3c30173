import "server-only";
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

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}
