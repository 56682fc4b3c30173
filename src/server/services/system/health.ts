import "server-only";
import { db } from "../../db";

const startedAt = Date.now();

export interface HealthReport {
  status: "ok" | "degraded";
  timestamp: string;
  version: string;
  uptimeSeconds: number;
  checks: Record<string, "ok" | "error">;
}

/** Liveness plus a cheap check that the app database answers. */
export async function checkHealth(): Promise<HealthReport> {
  const checks: Record<string, "ok" | "error"> = {};
  try {
    await db.$queryRawUnsafe("SELECT 1");
    checks.app_database = "ok";
  } catch {
    checks.app_database = "error";
  }
  return {
    status: Object.values(checks).every((c) => c === "ok") ? "ok" : "degraded",
    timestamp: new Date().toISOString(),
    version: process.env.npm_package_version ?? "0.1.0",
    uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
    checks,
  };
}
