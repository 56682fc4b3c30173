import "server-only";
import type { DataSource } from "@prisma/client";
import { notFound } from "../../errors";
import type { Access } from "../access";
import { dataSourceWithAccess, defaultDataSourceId } from "../datasources/crud";
import { requireActingUser, type Principal } from "../principal";
import { forbidden } from "../../errors";

/**
 * Which data source a dictionary request is about: the one named (404 when unknown or
 * unreadable, never a fallback) or the caller's first readable one.
 */
export async function dictionarySource(principal: Principal, dataSourceId?: string): Promise<{ row: DataSource; access: Access }> {
  const user = requireActingUser(principal);
  const id = dataSourceId ?? (await defaultDataSourceId(user));
  const found = await dataSourceWithAccess(user, id);
  if (!found) throw notFound("Data source", id);
  return found;
}

/** Editing the dictionary (and running auto-guess) is for those who may write to the source. */
export function assertCanEdit(access: Access): void {
  if (!access.canWrite) throw forbidden("Editing the data dictionary needs write access to this data source");
}
