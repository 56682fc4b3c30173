import Database from "better-sqlite3";
import { beforeAll, describe } from "vitest";
import { db } from "@/server/db";
import { demoDatabaseFile } from "@/test/fixtures";
import { lineageMaskingTests } from "@/test/lineage-masking";

let dataSourceId = "";

describe("masking by lineage on SQLite (demo retail database)", () => {
  beforeAll(async () => {
    const file = demoDatabaseFile();
    const sqlite = new Database(file);
    sqlite.exec("CREATE VIEW customer_contacts AS SELECT id, email AS contact, city FROM customers");
    sqlite.close();
    dataSourceId = (await db.dataSource.create({ data: { name: "retail-lineage", engine: "sqlite", database: file } })).id;
  });

  lineageMaskingTests({ dialect: "sqlite", dataSourceId: () => dataSourceId, extendedColumns: false });
});
