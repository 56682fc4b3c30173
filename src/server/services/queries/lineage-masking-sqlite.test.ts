import { beforeAll, describe } from "vitest";
import { db } from "@/server/db";
import { demoDatabaseFile } from "@/test/fixtures";
import { lineageMaskingTests } from "@/test/lineage-masking";

let dataSourceId = "";

describe("masking by lineage on SQLite (demo retail database)", () => {
  beforeAll(async () => {
    dataSourceId = (await db.dataSource.create({ data: { name: "retail-lineage", engine: "sqlite", database: demoDatabaseFile() } })).id;
  });

  lineageMaskingTests({ dialect: "sqlite", dataSourceId: () => dataSourceId, extendedColumns: false });
});
