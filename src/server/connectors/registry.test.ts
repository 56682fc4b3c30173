import Database from "better-sqlite3";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { AppError } from "../errors";
import { configKey, describeConfig } from "./config";
import { closeAllConnectors, createConnector, evictConnector, getConnector } from "./registry";
import type { ConnectionConfig } from "./types";

const dir = mkdtempSync(path.join(tmpdir(), "quarry-registry-"));
const file = path.join(dir, "a.db");
new Database(file).close();

afterAll(async () => {
  await closeAllConnectors();
  rmSync(dir, { recursive: true, force: true });
});

const pgConfig: ConnectionConfig = {
  engine: "postgres",
  host: "db.internal",
  port: 5433,
  database: "sales",
  username: "analyst",
  password: "hunter2-very-secret",
  sslMode: "require",
};

describe("connector registry", () => {
  it("describes a config without its password", () => {
    expect(describeConfig(pgConfig)).toBe("PostgreSQL analyst@db.internal:5433/sales (ssl require)");
    expect(describeConfig({ engine: "mysql", database: "shop" })).toBe("MySQL/MariaDB 127.0.0.1:3306/shop");
    expect(describeConfig({ engine: "sqlite", database: file })).toBe(`SQLite file ${file}`);
    expect(configKey(pgConfig)).not.toContain("hunter2");
  });

  it("keys the pool cache by id and config", async () => {
    const sqlite: ConnectionConfig = { engine: "sqlite", database: file };
    const first = getConnector("ds-1", sqlite);
    expect(getConnector("ds-1", { ...sqlite })).toBe(first);
    expect(getConnector("ds-2", sqlite)).not.toBe(first);
    const changed = getConnector("ds-1", { ...sqlite, options: { poolMax: 2 } });
    expect(changed).not.toBe(first);
    expect((await changed.run("SELECT 1 AS one", { maxRows: 1, timeoutMs: 5_000, readOnly: true })).rows).toEqual([{ one: 1 }]);
    await evictConnector("ds-1");
    expect(getConnector("ds-1", { ...sqlite, options: { poolMax: 2 } })).not.toBe(changed);
    expect(configKey({ ...pgConfig, password: "other" })).not.toBe(configKey(pgConfig));
    expect(configKey({ ...pgConfig, host: "db.internal" })).toBe(configKey(pgConfig));
  });

  it("picks the engine module and validates the config", () => {
    expect(createConnector(pgConfig).capabilities.cancel).toBe("backend");
    expect(createConnector({ ...pgConfig, engine: "mysql" }).capabilities.identifierQuote).toBe("`");
    const bad = (() => {
      try {
        createConnector({ engine: "oracle", database: "x" } as unknown as ConnectionConfig);
      } catch (e) {
        return e;
      }
    })();
    expect(bad).toBeInstanceOf(AppError);
    expect((bad as AppError).code).toBe("VALIDATION_ERROR");
    expect(() => createConnector({ ...pgConfig, options: { poolMax: 0 } })).toThrow(/Invalid connection options/);
  });
});
