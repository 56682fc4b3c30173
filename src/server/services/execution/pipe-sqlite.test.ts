import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { beforeAll, describe } from "vitest";
import { db } from "@/server/db";
import { executionPipeTests } from "@/test/execution-pipe";

const file = path.join(mkdtempSync(path.join(tmpdir(), "quarry-pipe-")), "bank.sqlite");
let dataSourceId = "";

describe("the execution pipe on SQLite", () => {
  beforeAll(async () => {
    const sqlite = new Database(file);
    sqlite.exec("CREATE TABLE accounts (id INTEGER PRIMARY KEY, owner TEXT NOT NULL, balance INTEGER NOT NULL)");
    const insert = sqlite.prepare("INSERT INTO accounts VALUES (?, ?, 100)");
    for (let i = 1; i <= 5; i++) insert.run(i, `owner${i}`);
    sqlite.close();
    dataSourceId = (await db.dataSource.create({ data: { name: `pipe-sqlite-${Date.now()}`, engine: "sqlite", database: file } })).id;
  });

  executionPipeTests({ engine: "sqlite", dataSourceId: () => dataSourceId, table: "accounts", explainEstimates: false, slowRead: "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) AS n FROM (SELECT x FROM c LIMIT 2000000000)", refusedRead: "SELECT fts3_tokenizer('simple')" });
});
