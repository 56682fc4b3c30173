import "server-only";
import { db } from "../../db";
import { requireActingUser, type Principal } from "../principal";
import { limitStatus } from "../ai/usage";

/**
 * What the chat can really use right now: the built-in engine (always), each
 * configured provider with whether its endpoint answers (a short probe of its model
 * list, cached for a minute so the page does not hammer it), and the caller's limits.
 */
const PROBE_MS = 1500;
const CACHE_MS = 60_000;
const probes = new Map<string, { at: number; ok: boolean; detail: string }>();

const DEFAULT_BASE: Record<string, string> = { openai: "https://api.openai.com/v1", anthropic: "https://api.anthropic.com/v1" };

async function probe(id: string, baseUrl: string): Promise<{ ok: boolean; detail: string }> {
  const cached = probes.get(id);
  if (cached && Date.now() - cached.at < CACHE_MS) return cached;
  let result: { ok: boolean; detail: string };
  try {
    const res = await fetch(`${baseUrl.replace(/\/$/, "")}/models`, { signal: AbortSignal.timeout(PROBE_MS) });
    // 401/403 still means the server is there (the key is checked on use)
    result = res.status < 500 ? { ok: true, detail: `answered ${res.status}` } : { ok: false, detail: `answered ${res.status}` };
  } catch {
    result = { ok: false, detail: "not reachable" };
  }
  probes.set(id, { at: Date.now(), ...result });
  return result;
}

export async function chatStatus(principal: Principal) {
  const user = requireActingUser(principal);
  const providers = await db.aiProvider.findMany({ orderBy: [{ isDefault: "desc" }, { name: "asc" }] });
  const checked = await Promise.all(
    providers.map(async (p) => {
      const base = p.baseUrl ?? DEFAULT_BASE[p.provider] ?? "";
      const r = base ? await probe(p.id, base) : { ok: false, detail: "no endpoint" };
      return { id: p.id, name: p.name, provider: p.provider, model: p.model, isDefault: p.isDefault, available: r.ok, detail: r.detail };
    }),
  );
  const limits = await limitStatus(user);
  const sessions = await db.chatSession.count({ where: { userId: user.id } });
  const modelReady = checked.some((p) => p.available) && limits.allowed;
  return {
    status: "ok" as const,
    engines: [
      { name: "builtin", available: true, detail: "Built-in engine: no model, no network" },
      { name: "provider", available: modelReady, detail: checked.length === 0 ? "No AI provider is configured" : !limits.allowed ? limits.reason! : modelReady ? "A model answers what the built-in engine cannot" : "No configured provider answers" },
    ],
    providers: checked,
    defaultEngine: modelReady ? "auto" : "builtin",
    limits,
    sessions,
  };
}
