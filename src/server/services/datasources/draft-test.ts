import "server-only";
import path from "node:path";
import { db } from "../../db";
import { isAppError, notFound } from "../../errors";
import { redactServerPaths } from "../../errors/redact";
import { decryptSecret } from "../crypto/secret-box";
import { execution } from "../execution";
import { requireAdmin, type Principal } from "../principal";
import { checkShape, type DataSourceInput } from "./crud";
import { defaultPort } from "./engines";
import type { ConnectionTest } from "./status";

/**
 * Tests settings before they are saved (the admin form does this first, so a source that
 * cannot connect is never saved without the admin choosing "Save anyway"). Nothing is
 * stored and nothing is audited: the settings may still change. When `existingId` is
 * given and the draft has no password, the stored password of that source is used.
 * Settings the policy refuses throw the same validation error a save would.
 */
export async function testDataSourceDraft(principal: Principal, input: DataSourceInput, existingId?: string): Promise<ConnectionTest> {
  requireAdmin(principal);
  await checkShape(input);
  let password = input.password || undefined;
  if (existingId && input.password === undefined) {
    const current = await db.dataSource.findUnique({ where: { id: existingId }, select: { encryptedSecret: true } });
    if (!current) throw notFound("Data source", existingId);
    password = current.encryptedSecret ? decryptSecret(current.encryptedSecret) : undefined;
  }
  const started = Date.now();
  const checkedAt = () => new Date().toISOString();
  try {
    const sqlite = input.engine === "sqlite";
    const test = await execution.probeConnection({
      engine: input.engine,
      host: sqlite ? undefined : input.host || undefined,
      port: sqlite ? undefined : (input.port ?? defaultPort[input.engine] ?? undefined),
      database: sqlite ? path.resolve(input.database) : input.database,
      username: sqlite ? undefined : input.username || undefined,
      password: sqlite ? undefined : password,
      sslMode: (input.sslMode as "disable" | "require" | "verify-full" | undefined) ?? "disable",
      ...(input.readRole && input.engine === "postgres" ? { readRole: input.readRole } : {}),
    });
    return {
      ok: test.ok,
      message: redactServerPaths(test.readRoleError ?? test.message),
      latencyMs: test.latencyMs,
      version: test.version,
      checkedAt: checkedAt(),
      warnings: test.warnings ?? [],
    };
  } catch (error) {
    if (!isAppError(error) || error.actor === "bug") throw error;
    return { ok: false, message: redactServerPaths(error.message), latencyMs: Date.now() - started, version: "", checkedAt: checkedAt(), warnings: [] };
  }
}
