import "server-only";
import type { ResultColumn } from "../../connectors/types";
import { db } from "../../db";
import { accessTo, type Access } from "../access";
import { applyMask } from "../access/masking";
import type { SessionUser } from "../auth/session";
import type { EngineName } from "../datasources/engines";
import { analyzeOrThrow } from "../execution/analyze";
import { maskingPlanFor } from "../execution/masking";

const READER: Access = { canRead: true, canWrite: false, canApprove: false };

/**
 * Stored result rows as their audience may see them NOW: the caller (history pages), or
 * anyone holding a share link (`public`: always masked as for a reader, since recipients
 * need no access at all). Re-masking is idempotent, so rows stored masked stay as they
 * were, and rows stored for a writer who has since lost write access, or stored before
 * lineage masking, are masked on the way out.
 */
export async function maskStoredRows(
  user: SessionUser | null,
  run: { dataSourceId: string | null; sql: string },
  columns: ResultColumn[],
  rows: Record<string, unknown>[],
  audience: "caller" | "public",
): Promise<Record<string, unknown>[]> {
  const dataSource = run.dataSourceId ? await db.dataSource.findUnique({ where: { id: run.dataSourceId } }) : null;
  const access = audience === "public" || !dataSource || !user ? READER : await accessTo(user, dataSource.id);
  if (access.canWrite) return rows;
  if (!dataSource) return applyMask(rows, columns, { mode: "names" });
  const statement = analyzeOrThrow(run.sql, dataSource.engine as EngineName).statements[0]!;
  const plan = await maskingPlanFor({ dataSource, access: { ...access, canWrite: false }, statement });
  return applyMask(rows, columns, plan);
}
