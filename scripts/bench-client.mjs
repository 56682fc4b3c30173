// What the benchmark scripts share: waiting for a started Quarry, calling its REST API
// and reading a process's peak memory.
import { readFileSync } from "node:fs";

/** Resolves once `${base}/health` answers 200 (two minutes at most). */
export async function waitUp(base) {
  for (let i = 0; i < 240; i++) {
    try {
      if ((await fetch(`${base}/health`)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error("Quarry did not start");
}

/** A JSON call to `/api/v1${route}`; any non-2xx answer throws with its body. */
export async function api(base, method, route, token, body) {
  const res = await fetch(`${base}/api/v1${route}`, {
    method,
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!res.ok) throw new Error(`${method} ${route}: ${res.status} ${await res.text()}`);
  return res;
}

/** Peak resident memory (VmHWM) of a process, in MB. */
export const peakRssMb = (pid) => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) / 1024;
