import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { beforeAll } from "vitest";
import { db } from "@/server/db";
import { templateEngineTests, templateOrderRows } from "@/test/template-engines";

let dataSourceId = "";

beforeAll(async () => {
  const file = path.join(mkdtempSync(path.join(tmpdir(), "quarry-tpl-")), "t.sqlite");
  const sqlite = new Database(file);
  sqlite.exec("CREATE TABLE tpl_orders (id INTEGER PRIMARY KEY, order_date TEXT NOT NULL, status TEXT NOT NULL, total_amount REAL NOT NULL)");
  const insert = sqlite.prepare("INSERT INTO tpl_orders VALUES (?, ?, ?, ?)");
  for (const row of templateOrderRows) insert.run(...row);
  sqlite.close();
  dataSourceId = (await db.dataSource.create({ data: { name: `tpl-sqlite-${Date.now()}`, engine: "sqlite", database: file } })).id;
});

templateEngineTests("SQLite", () => dataSourceId);
