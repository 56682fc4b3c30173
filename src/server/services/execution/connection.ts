import "server-only";
import type { DataSource } from "@prisma/client";
import { capabilitiesOf, closeAllConnectors, createConnector, evictConnector, getConnector } from "../../connectors/registry";
import type { Capabilities, ConnectionConfig, ConnectionTest, Connector, SchemaSnapshot } from "../../connectors/types";
import { decryptSecret } from "../crypto/secret-box";
import type { EngineName } from "../datasources/engines";

/**
 * The only module that reaches the connector registry (a source-scan test holds every
 * other module to that): services ask `execution` to run SQL, never a connector.
 */

/** What an engine can do, without a connector or a connection for it. */
export function engineCapabilities(engine: EngineName): Capabilities {
  return capabilitiesOf(engine);
}

/** The connector config for a stored data source (the secret decrypted only here). */
export function connectionConfig(row: DataSource): ConnectionConfig {
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

// Per loaded row: the steps of one statement's pipe share the row, so the secret is
// decrypted and the pool key computed once per row (the registry memoizes the key of a
// frozen config). The connector itself is looked up every time: the registry may have
// closed and replaced it since (the data source was edited), and a row read just before
// that must not keep handing out the closed one.
const configByRow = new WeakMap<DataSource, ConnectionConfig>();

/** The pooled connector for a data source; pools are keyed by id and config. */
export function connectorFor(row: DataSource): Connector {
  let config = configByRow.get(row);
  if (!config) {
    config = Object.freeze(connectionConfig(row));
    configByRow.set(row, config);
  }
  return getConnector(row.id, config);
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

/** Tests a stored data source on its pooled connector. Access is the caller's to check. */
export function testConnection(row: DataSource): Promise<ConnectionTest> {
  return connectorFor(row).testConnection();
}

/** Reads the data source's schema from its catalogue. Access is the caller's to check. */
export function introspect(row: DataSource): Promise<SchemaSnapshot> {
  return connectorFor(row).introspect();
}

/** Closes a data source's pools (its settings changed or it was deleted). */
export async function evictDataSourceConnector(id: string): Promise<void> {
  await evictConnector(id);
}

/** Shutdown: every pool of every data source. */
export function closeAllConnections(): Promise<void> {
  return closeAllConnectors();
}
