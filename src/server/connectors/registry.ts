import "server-only";
import { AppError } from "../errors";
import { configKey, connectionConfigSchema } from "./config";
import { createMysqlConnector, mysqlCapabilities } from "./mysql";
import { createPostgresConnector, postgresCapabilities } from "./postgres";
import { createSqliteConnector, sqliteCapabilities } from "./sqlite";
import type { Engine } from "../../lib/engine";
import type { Capabilities, ConnectionConfig, Connector } from "./types";

/** What an engine can do, without a connector (or a connection) for it. */
export function capabilitiesOf(engine: Engine): Capabilities {
  return { postgres: postgresCapabilities, mysql: mysqlCapabilities, sqlite: sqliteCapabilities }[engine];
}

/** A fresh connector (its own pools); callers that reuse connections want `getConnector`. */
export function createConnector(config: ConnectionConfig): Connector {
  const parsed = connectionConfigSchema.safeParse(config);
  if (!parsed.success) {
    throw new AppError("VALIDATION_ERROR", "Invalid connection settings", {
      fields: parsed.error.issues.map((i) => ({ field: i.path.join("."), message: i.message })),
    });
  }
  switch (config.engine) {
    case "postgres":
      return createPostgresConnector(config);
    case "mysql":
      return createMysqlConnector(config);
    case "sqlite":
      return createSqliteConnector(config);
  }
}

interface Cached {
  key: string;
  connector: Connector;
}

// On globalThis so Next's dev-mode module reloads do not orphan open pools.
const store = globalThis as typeof globalThis & { __quarryConnectors?: Map<string, Cached> };
const cache = (store.__quarryConnectors ??= new Map());

/**
 * The pooled connector for a data source. A changed config (new password, host, …)
 * gets a new connector; the old one is closed, which cancels queries still running
 * on the old settings.
 */
/** A frozen config (the data source cache's) cannot change: its key is computed once. */
const keys = new WeakMap<ConnectionConfig, string>();

function keyOf(config: ConnectionConfig): string {
  if (!Object.isFrozen(config)) return configKey(config);
  let key = keys.get(config);
  if (key === undefined) {
    key = configKey(config);
    keys.set(config, key);
  }
  return key;
}

export function getConnector(id: string, config: ConnectionConfig): Connector {
  const key = keyOf(config);
  const hit = cache.get(id);
  if (hit?.key === key) return hit.connector;
  const connector = createConnector(config);
  cache.set(id, { key, connector });
  if (hit) void hit.connector.close().catch(() => {});
  return connector;
}

export async function evictConnector(id: string): Promise<void> {
  const hit = cache.get(id);
  if (!hit) return;
  cache.delete(id);
  await hit.connector.close();
}

export async function closeAllConnectors(): Promise<void> {
  const all = [...cache.values()];
  cache.clear();
  await Promise.allSettled(all.map((c) => c.connector.close()));
}
