import "server-only";
import type { SchemaSnapshot } from "../../connectors/types";
import { db } from "../../db";
import { AppError, isAppError } from "../../errors";
import { redactServerPaths } from "../../errors/redact";
import { assertAccess } from "../access";
import { recordAudit } from "../audit";
import { execution } from "../execution";
import { auditActorOf, requireActingUser, type Principal } from "../principal";
import { getDataSourceRow } from "./crud";
import { storedWarnings } from "./dto";
import { checkTarget } from "./target-policy";
import { syncDictionary } from "../dictionary/store";

export interface ConnectionTest {
  ok: boolean;
  message: string;
  latencyMs: number;
  version: string;
  checkedAt: string;
  /** Risks that do not stop the connection, e.g. "connects as a superuser: postgres". */
  warnings: string[];
}

/** Connects, records the outcome on the data source, and reports it. Never throws for a failed connection. */
export async function testDataSource(principal: Principal, id: string): Promise<ConnectionTest> {
  const row = await getDataSourceRow(requireActingUser(principal), id);
  // A source stored before the policy (or since the environment changed) is refused here too.
  await checkTarget({ engine: row.engine, host: row.host, database: row.database });
  const started = Date.now();
  let result: ConnectionTest;
  try {
    const test = await execution.testConnection(row);
    result = {
      ok: test.ok,
      message: redactServerPaths(test.message),
      latencyMs: test.latencyMs,
      version: test.version,
      checkedAt: new Date().toISOString(),
      warnings: test.warnings ?? [],
    };
  } catch (error) {
    if (!isAppError(error) || error.actor === "bug") throw error;
    result = { ok: false, message: redactServerPaths(error.message), latencyMs: Date.now() - started, version: "", checkedAt: new Date().toISOString(), warnings: [] };
  }
  await db.dataSource.update({
    where: { id },
    data: {
      status: result.ok ? "connected" : "error",
      lastCheckedAt: new Date(result.checkedAt),
      latencyMs: result.latencyMs,
      lastError: result.ok ? null : result.message,
      ...(result.ok && result.version ? { serverVersion: result.version } : {}),
      // A failed test tells nothing about the login's privileges: keep what the last good one found.
      ...(result.ok ? { connectionWarnings: JSON.stringify(result.warnings) } : {}),
    },
  });
  await recordAudit(
    auditActorOf(principal),
    { action: "test_data_source", resourceType: "data_source", resourceId: id, outcome: result.ok ? "success" : "failure" },
  );
  return result;
}

const HEALTH_TTL_MS = 30_000;

export interface DataSourceHealth {
  status: "healthy" | "unhealthy";
  lastCheck: string;
  latencyMs: number | null;
  error: string | null;
  warnings: string[];
}

/** Health from a recent check, or a fresh one when the last is older than 30 s. */
export async function dataSourceHealth(principal: Principal, id: string): Promise<DataSourceHealth> {
  const row = await getDataSourceRow(requireActingUser(principal), id);
  if (row.lastCheckedAt && Date.now() - row.lastCheckedAt.getTime() < HEALTH_TTL_MS && row.status !== "unknown") {
    return {
      status: row.status === "connected" ? "healthy" : "unhealthy",
      lastCheck: row.lastCheckedAt.toISOString(),
      latencyMs: row.latencyMs,
      error: row.lastError,
      warnings: storedWarnings(row.connectionWarnings),
    };
  }
  const test = await testDataSource(principal, id);
  return {
    status: test.ok ? "healthy" : "unhealthy",
    lastCheck: test.checkedAt,
    latencyMs: test.latencyMs,
    error: test.ok ? null : test.message,
    warnings: test.warnings,
  };
}

export interface CachedSchema {
  schema: SchemaSnapshot;
  lastSynced: string;
}

/** Introspects the database now and stores the result as the cached schema. */
export async function syncSchema(principal: Principal, id: string): Promise<CachedSchema> {
  const row = await getDataSourceRow(requireActingUser(principal), id);
  const schema = await execution.introspect(row);
  const now = new Date();
  await db.dataSource.update({
    where: { id },
    data: { schemaCache: JSON.stringify(schema), lastSyncedAt: now, status: "connected", lastError: null },
  });
  await syncDictionary(id, schema); // renamed or dropped columns are flagged in the dictionary, never lost
  await recordAudit(
    auditActorOf(principal),
    { action: "sync_schema", resourceType: "data_source", resourceId: id, details: { tables: schema.tables.length } },
  );
  return { schema, lastSynced: now.toISOString() };
}

/** The cached schema, introspecting first when there is none yet. */
export async function cachedSchema(principal: Principal, id: string): Promise<CachedSchema> {
  const user = requireActingUser(principal);
  await assertAccess(user, id, "canRead");
  const row = await getDataSourceRow(user, id);
  if (row.schemaCache && row.lastSyncedAt) {
    try {
      return { schema: JSON.parse(row.schemaCache) as SchemaSnapshot, lastSynced: row.lastSyncedAt.toISOString() };
    } catch {
      throw new AppError("INTERNAL", `The cached schema of data source ${id} is corrupt; sync it again`);
    }
  }
  return syncSchema(principal, id);
}
