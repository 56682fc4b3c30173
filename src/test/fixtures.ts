import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { generateDemoDatabase } from "@/server/demo/generate";
import { db } from "@/server/db";

/** A small demo retail SQLite database in a temp dir (real file, real data). */
export function demoDatabaseFile(scale = 0.05): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), "quarry-demo-")), "retail.sqlite");
  generateDemoDatabase(file, { seed: 7, scale });
  return file;
}

/** A SQLite file built by `sql` in a temp dir, registered as a data source; its id and path. */
export async function sqliteDataSource(sql: string, name = "sqlite"): Promise<{ id: string; file: string }> {
  const file = path.join(mkdtempSync(path.join(tmpdir(), "quarry-src-")), `${name}.sqlite`);
  const sqlite = new Database(file);
  sqlite.exec(sql);
  sqlite.close();
  const row = await db.dataSource.create({ data: { name: `${name}-${Date.now()}-${Math.random().toString(36).slice(2, 6)}`, engine: "sqlite", database: file } });
  return { id: row.id, file };
}

/** Puts a user in a new group with the given grants on a data source. */
export async function grant(
  userId: string,
  dataSourceId: string,
  grants: { canRead?: boolean; canWrite?: boolean; canApprove?: boolean },
): Promise<string> {
  const group = await db.group.create({
    data: { name: `g-${Math.random().toString(36).slice(2)}`, members: { create: { userId } } },
  });
  await db.dataSourcePermission.create({
    data: {
      groupId: group.id,
      dataSourceId,
      canRead: grants.canRead ?? true,
      canWrite: grants.canWrite ?? false,
      canApprove: grants.canApprove ?? false,
    },
  });
  return group.id;
}
