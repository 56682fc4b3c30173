import "server-only";
import path from "node:path";
import { Prisma, type DataSource } from "@prisma/client";
import { db } from "../../db";
import { ReadCache } from "../../db/read-cache";
import { conflict, notFound, validationFailed } from "../../errors";
import { isUniqueViolation } from "../../errors/prisma";
import { accessMap, accessTo, readableDataSourceIds, type Access } from "../access";
import { recordAudit } from "../audit";
import type { SessionUser } from "../auth/session";
import { auditActorOf, requireActingUser, requireAdmin, type Principal } from "../principal";
import { encryptSecret } from "../crypto/secret-box";
import { decryptSecret } from "../crypto/secret-box";
import { execution } from "../execution";
import { toDataSourceView, type DataSourceView } from "./dto";
import { defaultPort, type EngineName } from "./engines";
import { checkTarget } from "./target-policy";

export interface DataSourceInput {
  name: string;
  engine: EngineName;
  host?: string;
  port?: number | null;
  database: string;
  username?: string;
  /** Plain text on the way in; stored encrypted; never returned. */
  password?: string | null;
  sslMode?: string;
  description?: string;
  /** High-risk write requests need two approvals. */
  twoApprovalsForHighRisk?: boolean;
  /** Copy rows an UPDATE/DELETE changes into a backup table first, so it can be reverted. */
  backupBeforeCommit?: boolean;
  /** PostgreSQL: reads run `SET LOCAL ROLE` to this role; null or "" = as the login. */
  readRole?: string | null;
}

export type DataSourcePatch = Partial<DataSourceInput>;

/** Required fields per engine, then where the source points (see target-policy.ts). */
export async function checkShape(input: DataSourceInput): Promise<void> {
  if (input.readRole && input.engine !== "postgres") {
    throw validationFailed([
      {
        field: "readRole",
        message: "Read as role is supported on PostgreSQL only: MySQL/MariaDB roles add to the login's privileges instead of replacing them",
      },
    ]);
  }
  if (input.engine !== "sqlite" && !input.host) {
    throw validationFailed([{ field: "host", message: "host is required for this type" }]);
  }
  await checkTarget(input);
}

/**
 * A read role must exist and the login must be a member of it, or every read would fail.
 * Checked against the server when it answers; an unreachable server is not a reason to
 * refuse the settings (reads then fail closed, and the connection test says why).
 */
async function checkReadRole(input: DataSourceInput, password: string | undefined): Promise<string[] | undefined> {
  if (!input.readRole) return undefined;
  const test = await execution.probeConnection({
    engine: input.engine,
    host: input.host || undefined,
    port: input.port ?? defaultPort[input.engine] ?? undefined,
    database: input.database,
    username: input.username || undefined,
    password,
    sslMode: (input.sslMode as "disable" | "require" | "verify-full" | undefined) ?? "disable",
    readRole: input.readRole,
  });
  if (test.readRoleError) throw validationFailed([{ field: "readRole", message: test.readRoleError }]);
  return test.ok ? (test.warnings ?? []) : undefined;
}

const readRoleOf = (value: string | null | undefined) => (value ? value : null);

/**
 * Data source rows in list order, read once and kept until any app-state write
 * (db/read-cache.ts): every query and every list starts from them. The rows are shared;
 * never mutate them.
 */
const rowCache = new ReadCache<"all", { list: DataSource[]; byId: Map<string, DataSource> }>(
  async () => {
    const list = await db.dataSource.findMany({ orderBy: [{ isDemo: "desc" }, { name: "asc" }] });
    for (const row of list) Object.freeze(row); // shared by every caller: a write to one would leak into others
    return { list, byId: new Map(list.map((row) => [row.id, row])) };
  },
  { max: 1, ttlMs: 30_000 },
);

/** One data source's row, or null; no access check (callers do it). */
export async function dataSourceRow(id: string): Promise<DataSource | null> {
  return (await rowCache.get("all")).byId.get(id) ?? null;
}

/** The data sources the principal's user may read (admins: all), with what they may do on each. */
export async function listDataSources(principal: Principal): Promise<DataSourceView[]> {
  return readableBy(requireActingUser(principal));
}

async function readableBy(user: SessionUser): Promise<DataSourceView[]> {
  const readable = await readableDataSourceIds(user);
  const all = (await rowCache.get("all")).list;
  const allowed = readable === "all" ? null : new Set(readable);
  const rows = allowed ? all.filter((row) => allowed.has(row.id)) : all;
  const access = await accessMap(user, rows.map((r) => r.id));
  return rows.map((row) => toDataSourceView(row, access.get(row.id)!));
}

/** The data source used when a request names none: the first the user may read. */
export async function defaultDataSourceId(user: SessionUser): Promise<string> {
  const [first] = await readableBy(user);
  if (!first) throw notFound("Data source (you have access to none; ask an administrator)");
  return first.id;
}

/**
 * A data source the user may read, with what they may do on it (404 when they may not
 * read it or it does not exist): one grant query and one row read, on the hot query path.
 */
export async function dataSourceWithAccess(user: SessionUser, id: string): Promise<{ row: DataSource; access: Access }> {
  const access = await accessTo(user, id);
  const row = access.canRead ? await dataSourceRow(id) : null;
  if (!row) throw notFound("Data source", id);
  return { row, access };
}

/** Loads a data source the user may read (404 otherwise). */
export async function getDataSourceRow(user: SessionUser, id: string): Promise<DataSource> {
  return (await dataSourceWithAccess(user, id)).row;
}

export async function getDataSource(principal: Principal, id: string): Promise<DataSourceView> {
  const user = requireActingUser(principal);
  const { row, access } = await dataSourceWithAccess(user, id);
  return toDataSourceView(row, access);
}

export async function createDataSource(principal: Principal, input: DataSourceInput): Promise<DataSourceView> {
  const user = requireAdmin(principal);
  await checkShape(input);
  const warnings = await checkReadRole(input, input.password || undefined);
  try {
    const row = await db.dataSource.create({
      data: {
        name: input.name,
        engine: input.engine,
        host: input.engine === "sqlite" ? "" : (input.host ?? ""),
        port: input.engine === "sqlite" ? null : (input.port ?? defaultPort[input.engine]),
        database: input.engine === "sqlite" ? path.resolve(input.database) : input.database,
        username: input.username ?? "",
        encryptedSecret: input.password ? encryptSecret(input.password) : null,
        sslMode: input.sslMode ?? "disable",
        description: input.description ?? "",
        twoApprovalsForHighRisk: input.twoApprovalsForHighRisk ?? false,
        backupBeforeCommit: input.backupBeforeCommit ?? false,
        readRole: readRoleOf(input.readRole),
        ...(warnings ? { connectionWarnings: JSON.stringify(warnings) } : {}),
        createdById: user.id,
      },
    });
    await recordAudit(
      auditActorOf(principal),
      { action: "create_data_source", resourceType: "data_source", resourceId: row.id, details: { name: row.name, engine: row.engine } },
    );
    return toDataSourceView(row, { canRead: true, canWrite: true, canApprove: true });
  } catch (error) {
    throw uniqueName(error, input.name);
  }
}

export async function updateDataSource(principal: Principal, id: string, patch: DataSourcePatch): Promise<DataSourceView> {
  requireAdmin(principal);
  const current = await db.dataSource.findUnique({ where: { id } });
  if (!current) throw notFound("Data source", id);
  const merged: DataSourceInput = {
    name: patch.name ?? current.name,
    engine: patch.engine ?? (current.engine as EngineName),
    host: patch.host ?? current.host,
    port: patch.port === undefined ? current.port : patch.port,
    database: patch.database ?? current.database,
    username: patch.username ?? current.username,
    sslMode: patch.sslMode ?? current.sslMode,
    description: patch.description ?? current.description,
    twoApprovalsForHighRisk: patch.twoApprovalsForHighRisk ?? current.twoApprovalsForHighRisk,
    backupBeforeCommit: patch.backupBeforeCommit ?? current.backupBeforeCommit,
    readRole: patch.readRole === undefined ? current.readRole : readRoleOf(patch.readRole),
  };
  await checkShape(merged);
  const data: Prisma.DataSourceUpdateInput = {
    name: merged.name,
    engine: merged.engine,
    host: merged.engine === "sqlite" ? "" : merged.host,
    port: merged.engine === "sqlite" ? null : (merged.port ?? defaultPort[merged.engine]),
    database: merged.engine === "sqlite" ? path.resolve(merged.database) : merged.database,
    username: merged.username,
    sslMode: merged.sslMode,
    description: merged.description,
    twoApprovalsForHighRisk: merged.twoApprovalsForHighRisk,
    backupBeforeCommit: merged.backupBeforeCommit,
    readRole: merged.readRole ?? null,
  };
  const connectionFields: (keyof DataSourcePatch)[] = ["engine", "host", "port", "database", "username", "password", "sslMode"];
  const connectionChanged = connectionFields.some((f) => patch[f] !== undefined);
  // A connection change invalidates what we knew about the server; a safeguard toggle does not.
  if (connectionChanged) {
    data.status = "unknown";
    data.connectionWarnings = null;
  }
  if (merged.readRole && (connectionChanged || patch.readRole !== undefined)) {
    const password = patch.password !== undefined ? patch.password || undefined : current.encryptedSecret ? decryptSecret(current.encryptedSecret) : undefined;
    const warnings = await checkReadRole(merged, password);
    if (warnings) data.connectionWarnings = JSON.stringify(warnings);
  }
  // `password: undefined` keeps the stored one; `null` or "" clears it.
  if (patch.password !== undefined) data.encryptedSecret = patch.password ? encryptSecret(patch.password) : null;
  try {
    const row = await db.dataSource.update({ where: { id }, data });
    // Only new connection settings retire the pools: closing them cancels running queries.
    if (connectionChanged || patch.readRole !== undefined) await execution.evict(id);
    await recordAudit(
      auditActorOf(principal),
      {
        action: "update_data_source",
        resourceType: "data_source",
        resourceId: id,
        details: { fields: Object.keys(patch).filter((k) => k !== "password"), passwordChanged: patch.password !== undefined },
      },
    );
    return toDataSourceView(row, { canRead: true, canWrite: true, canApprove: true });
  } catch (error) {
    throw uniqueName(error, merged.name);
  }
}

export async function deleteDataSource(principal: Principal, id: string): Promise<void> {
  requireAdmin(principal);
  const row = await db.dataSource.findUnique({ where: { id } });
  if (!row) throw notFound("Data source", id);
  await db.dataSource.delete({ where: { id } });
  await execution.evict(id);
  await recordAudit(
    auditActorOf(principal),
    { action: "delete_data_source", resourceType: "data_source", resourceId: id, details: { name: row.name } },
  );
}

function uniqueName(error: unknown, name: string): unknown {
  if (isUniqueViolation(error)) {
    return conflict(`A data source named "${name}" already exists`);
  }
  return error;
}
