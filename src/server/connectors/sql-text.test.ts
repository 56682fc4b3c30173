import { describe, expect, it } from "vitest";
import { mysqlCapabilities } from "./mysql";
import { postgresCapabilities } from "./postgres";
import { sqlTextDialect } from "./sql-text";
import { sqliteCapabilities } from "./sqlite";

/** The SQL text Quarry writes around a statement, per engine (the approval write path uses it). */
describe("sql-text dialects", () => {
  const pg = sqlTextDialect(postgresCapabilities);
  const my = sqlTextDialect(mysqlCapabilities);
  const lite = sqlTextDialect(sqliteCapabilities);

  it("quotes identifiers in the engine's quote, doubling embedded quotes", () => {
    expect(pg.quoteIdentifier('we"ird')).toBe('"we""ird"');
    expect(my.quoteIdentifier("we`ird")).toBe("`we``ird`");
    expect(lite.quoteIdentifier("id")).toBe('"id"');
  });

  it("numbers placeholders where the engine does", () => {
    expect(pg.placeholders(3)).toBe("$1, $2, $3");
    expect(my.placeholders(3)).toBe("?, ?, ?");
    expect(pg.selectByKey("public.accounts", "id", 2)).toBe('SELECT * FROM public.accounts WHERE "id" IN ($1, $2)');
    expect(my.selectByKey("accounts", "id", 2)).toBe("SELECT * FROM accounts WHERE `id` IN (?, ?)");
  });

  it("writes backups and restores around the table as the statement named it", () => {
    expect(my.createTableAs("quarry_backup_1", "accounts", "id = 2")).toBe("CREATE TABLE `quarry_backup_1` AS SELECT * FROM accounts WHERE id = 2");
    expect(pg.restoreStatements({ table: "accounts", backup: "b", key: "id", operation: "UPDATE" })).toEqual([
      'DELETE FROM accounts WHERE "id" IN (SELECT "id" FROM "b")',
      'INSERT INTO accounts SELECT * FROM "b"',
    ]);
    expect(lite.restoreStatements({ table: "accounts", backup: "b", key: null, operation: "DELETE" })).toEqual(['INSERT INTO accounts SELECT * FROM "b"']);
    expect(() => lite.restoreStatements({ table: "accounts", backup: "b", key: null, operation: "UPDATE" })).toThrow();
  });
});
