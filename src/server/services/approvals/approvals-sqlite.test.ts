import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { beforeAll, describe } from "vitest";
import { db } from "@/server/db";
import { approvalFlowTests } from "@/test/approval-flows";

let dataSourceId = "";
const file = path.join(mkdtempSync(path.join(tmpdir(), "quarry-approvals-")), "bank.sqlite");

beforeAll(async () => {
  const sqlite = new Database(file);
  sqlite.exec("CREATE TABLE accounts (id INTEGER PRIMARY KEY, owner TEXT NOT NULL, balance INTEGER NOT NULL)");
  const insert = sqlite.prepare("INSERT INTO accounts VALUES (?, ?, 100)");
  for (let i = 1; i <= 5; i++) insert.run(i, `owner${i}`);
  sqlite.close();
  dataSourceId = (await db.dataSource.create({ data: { name: "bank", engine: "sqlite", database: file } })).id;
});

describe("approval flow on SQLite", () => {
  approvalFlowTests({
    dataSourceId: () => dataSourceId,
    table: "accounts",
    async balances() {
      const sqlite = new Database(file, { readonly: true });
      try {
        return (sqlite.prepare("SELECT balance FROM accounts ORDER BY id").all() as { balance: number }[]).map((r) => r.balance);
      } finally {
        sqlite.close();
      }
    },
  });
});
