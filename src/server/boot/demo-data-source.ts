import "server-only";
import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { config } from "../config";
import { db } from "../db";
import { generateDemoDatabase } from "../demo/generate";

export const DEMO_SETTING = "demo.registered";
export const DEMO_NAME = "Demo retail (SQLite)";

/**
 * Registers the embedded demo database on first start (building the file if needed).
 * Once registered it is never re-created behind an admin's back: deleting the data
 * source is respected.
 */
export async function ensureDemoDataSource(log: (line: string) => void = console.log): Promise<void> {
  if (!config().QUARRY_DEMO) return;
  if (await db.appSetting.findUnique({ where: { key: DEMO_SETTING } })) return;
  const file = path.join(config().dataDir, "demo", "retail.sqlite");
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true });
    const started = Date.now();
    const summary = generateDemoDatabase(file, { seed: 42 });
    const rows = Object.values(summary.tables).reduce((a, b) => a + b, 0);
    log(`Quarry built the demo database (${rows.toLocaleString("en")} rows) in ${Date.now() - started} ms: ${file}`);
  }
  await db.$transaction([
    db.dataSource.upsert({
      where: { name: DEMO_NAME },
      create: {
        name: DEMO_NAME,
        engine: "sqlite",
        database: file,
        isDemo: true,
        description: "A retail dataset (customers, products, orders, payments, employees) to try Quarry with.",
      },
      update: {},
    }),
    db.appSetting.create({ data: { key: DEMO_SETTING, value: new Date().toISOString() } }),
  ]);
}
