import "server-only";
import type { DataSource } from "@prisma/client";
import { createConnector, evictConnector, getConnector } from "../../connectors/registry";
import type { ConnectionConfig, ConnectionTest, Connector } from "../../connectors/types";
import { decryptSecret } from "../crypto/secret-box";
import type { EngineName } from "./engines";

/**
 * Rows from the data source cache are shared and frozen (crud.ts), so each row's config
 * is worked out (and its secret decrypted) once, not on every query.
 */
const configs = new WeakMap<DataSource, ConnectionConfig>();

/** The connector config for a stored data source (the secret decrypted only here). */
export function connectionConfig(row: DataSource): ConnectionConfig {
  if (!Object.isFrozen(row)) return configOf(row);
  let config = configs.get(row);
  if (!config) {
    config = Object.freeze(configOf(row));
    configs.set(row, config);
  }
  return config;
}

function configOf(row: DataSource): ConnectionConfig {
  return {
    engine: row.engine as EngineName,
    host: row.host || undefined,
    port: row.port ?? undefined,
    database: row.database,
    username: row.username || undefined,
    password: row.encryptedSecret ? decryptSecret(row.encryptedSecret) : undefined,
    sslMode: (row.sslMode as ConnectionConfig["sslMode"]) ?? "disable",
    ...(row.readRole ? { readRole: row.readRole } : {}),
  };
}

/** The pooled connector for a data source; pools are keyed by id and config. */
export function connectorFor(row: DataSource): Connector {
  return getConnector(row.id, connectionConfig(row));
}

/** Tests settings that are not stored yet, on a connector of their own that is closed after. */
export async function probeConnection(config: ConnectionConfig): Promise<ConnectionTest> {
  const connector = createConnector(config);
  try {
    return await connector.testConnection();
  } finally {
    await connector.close();
  }
}

export async function evictDataSourceConnector(id: string): Promise<void> {
  await evictConnector(id);
}
