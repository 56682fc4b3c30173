import "server-only";
import { randomBytes } from "node:crypto";
import { db } from "../../db";
import { AppError, notFound } from "../../errors";
import { recordAudit } from "../audit";
import { ownRun } from "../queries/history";
import { maskStoredRows } from "../queries/masking-plan";
import { hashPassword, verifyPassword } from "../auth/passwords";
import { auditActorOf, requireActingUser, type Principal, type ShareLinkPrincipal } from "../principal";
import { assertLoginAllowed, clearLoginFailures, recordLoginFailure } from "../auth/throttle";
import type { ResultColumn } from "../../connectors/types";

/**
 * Share links carry a snapshot of one query's results taken when the link is made.
 * A recipient sees that snapshot, never a re-run, so they need no access to the data
 * source. Links may expire and may need a password (attempts are throttled).
 */
export interface ShareLinkView {
  id: string;
  path: string;
  expiresAt: string | null;
  hasPassword: boolean;
  rowCount: number;
  createdAt: string;
}

export interface SharedSnapshot {
  sql: string;
  columns: ResultColumn[];
  rows: Record<string, unknown>[];
  rowCount: number;
  createdAt: string;
  expiresAt: string | null;
  sharedBy: string;
}

const MAX_DAYS = 365;

export async function createShareLink(
  principal: Principal,
  queryId: string,
  options: { expirationDays?: number | null; password?: string | null },
): Promise<ShareLinkView> {
  const user = requireActingUser(principal);
  const run = await ownRun(user, queryId);
  const result = await db.queryResult.findUnique({ where: { queryRunId: run.id } });
  if (!result) {
    throw new AppError("CONFLICT", `Query ${queryId} has no results to share (status ${run.status}); run it first`);
  }
  const days = options.expirationDays ?? 7;
  if (days < 0 || days > MAX_DAYS) {
    throw new AppError("VALIDATION_ERROR", `expiration_days must be between 0 (never) and ${MAX_DAYS}`, {
      fields: [{ field: "expiration_days", message: `0..${MAX_DAYS}` }],
    });
  }
  // Recipients need no access to the data source, so they see what a reader would.
  const columns = JSON.parse(result.columns) as ResultColumn[];
  const rows = await maskStoredRows(user, run, columns, JSON.parse(result.rows) as Record<string, unknown>[], "public");
  const link = await db.shareLink.create({
    data: {
      id: randomBytes(18).toString("base64url"),
      queryRunId: run.id,
      createdById: user.id,
      passwordHash: options.password ? await hashPassword(options.password) : null,
      sql: run.sql,
      columns: result.columns,
      rows: JSON.stringify(rows),
      // The snapshot is the stored page, which for a large result is its first rows only.
      rowCount: run.storedPartial ? (run.storedRows ?? 0) : run.rowCount,
      expiresAt: days === 0 ? null : new Date(Date.now() + days * 86_400_000),
    },
  });
  await recordAudit(
    auditActorOf(principal),
    { action: "create_share_link", resourceType: "query", resourceId: run.id, details: { link: link.id, days, password: !!options.password } },
  );
  return {
    id: link.id,
    path: `/share/${link.id}`,
    expiresAt: link.expiresAt?.toISOString() ?? null,
    hasPassword: !!link.passwordHash,
    rowCount: link.rowCount,
    createdAt: link.createdAt.toISOString(),
  };
}

/**
 * What a recipient sees. Unknown, revoked and expired links all read as "not found".
 * The visitor is a share-link principal (the link's id, their IP): it has no grants,
 * so it reaches this snapshot and nothing else; password throttling keys on its IP.
 */
export async function openShareLink(principal: ShareLinkPrincipal, password: string | undefined): Promise<SharedSnapshot> {
  const id = principal.shareLinkId;
  const ip = principal.ip ?? "";
  const link = await db.shareLink.findUnique({
    where: { id },
    include: { createdBy: { select: { email: true } }, queryRun: { select: { dataSourceId: true } } },
  });
  if (!link || link.revokedAt || (link.expiresAt && link.expiresAt < new Date())) {
    throw notFound("Share link (it may have expired)");
  }
  if (link.passwordHash) {
    const key = `share:${id}`;
    await assertLoginAllowed(key, ip);
    if (!password) throw new AppError("UNAUTHORIZED", "This shared result needs a password", { details: { password_required: true } });
    if (!(await verifyPassword(link.passwordHash, password))) {
      await recordLoginFailure(key, ip);
      await recordAudit(auditActorOf(principal), {
        action: "open_share_link",
        resourceType: "query",
        resourceId: link.queryRunId,
        outcome: "failure",
        details: { reason: "wrong password" },
      });
      throw new AppError("UNAUTHORIZED", "Wrong password for this shared result", { details: { password_required: true } });
    }
    await clearLoginFailures(key, ip);
  }
  // Masked again on the way out, so links made before lineage masking cannot leak either.
  const columns = JSON.parse(link.columns) as ResultColumn[];
  const rows = await maskStoredRows(null, { dataSourceId: link.queryRun.dataSourceId, sql: link.sql }, columns, JSON.parse(link.rows), "public");
  await db.shareLink.update({ where: { id }, data: { views: { increment: 1 }, lastViewedAt: new Date() }, select: { id: true } });
  await recordAudit(auditActorOf(principal), { action: "open_share_link", resourceType: "query", resourceId: link.queryRunId });
  return {
    sql: link.sql,
    columns,
    rows,
    rowCount: link.rowCount,
    createdAt: link.createdAt.toISOString(),
    expiresAt: link.expiresAt?.toISOString() ?? null,
    sharedBy: link.createdBy.email,
  };
}

export async function revokeShareLink(principal: Principal, id: string): Promise<void> {
  const user = requireActingUser(principal);
  const link = await db.shareLink.findUnique({ where: { id } });
  if (!link || (link.createdById !== user.id && user.role !== "admin")) throw notFound("Share link", id);
  await db.shareLink.update({ where: { id }, data: { revokedAt: new Date() } });
  await recordAudit(auditActorOf(principal), { action: "revoke_share_link", resourceType: "query", resourceId: link.queryRunId });
}

export interface ShareLinkListItem extends ShareLinkView {
  queryId: string;
  /** The shared SQL's first line, to tell links apart. */
  sqlPreview: string;
  dataSourceId: string | null;
  views: number;
  lastViewedAt: string | null;
  revokedAt: string | null;
  status: "active" | "expired" | "revoked";
}

/** The caller's share links, newest first, with their views; revoked ones say so. */
export async function listShareLinks(
  principal: Principal,
  options: { page: number; pageSize: number; status?: "active" | "all" },
): Promise<{ items: ShareLinkListItem[]; total: number }> {
  const user = requireActingUser(principal);
  const now = new Date();
  const where =
    options.status === "active"
      ? { createdById: user.id, revokedAt: null, OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] }
      : { createdById: user.id };
  const [rows, total] = await Promise.all([
    db.shareLink.findMany({
      where,
      orderBy: { createdAt: "desc" },
      skip: (options.page - 1) * options.pageSize,
      take: options.pageSize,
      select: {
        id: true, queryRunId: true, sql: true, rowCount: true, passwordHash: true, expiresAt: true, revokedAt: true,
        views: true, lastViewedAt: true, createdAt: true, queryRun: { select: { dataSourceId: true } },
      },
    }),
    db.shareLink.count({ where }),
  ]);
  return {
    total,
    items: rows.map((l) => ({
      id: l.id,
      path: `/share/${l.id}`,
      queryId: l.queryRunId,
      sqlPreview: (l.sql.split("\n").find((line) => line.trim()) ?? "").trim().slice(0, 160),
      dataSourceId: l.queryRun.dataSourceId,
      expiresAt: l.expiresAt?.toISOString() ?? null,
      hasPassword: !!l.passwordHash,
      rowCount: l.rowCount,
      views: l.views,
      lastViewedAt: l.lastViewedAt?.toISOString() ?? null,
      revokedAt: l.revokedAt?.toISOString() ?? null,
      status: l.revokedAt ? "revoked" : l.expiresAt && l.expiresAt < now ? "expired" : "active",
      createdAt: l.createdAt.toISOString(),
    })),
  };
}
