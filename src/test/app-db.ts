import { randomBytes } from "node:crypto";
import pg from "pg";

/**
 * PostgreSQL databases for tests that run app state on PostgreSQL (the vitest project
 * "app-state-postgresql" and the scale-out integration tests). Each gets a random name
 * with the run's prefix; the global teardown drops them all.
 */
export const TEST_PG_SERVER = process.env.QUARRY_TEST_PG_SERVER ?? "postgresql://postgres@127.0.0.1:5432";
export const pgUrl = (database: string) => `${TEST_PG_SERVER}/${database}`;

async function admin<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: pgUrl("postgres") });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

const ident = (name: string) => {
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`not a test database name: ${name}`);
  return `"${name}"`;
};

export const randomDatabaseName = (prefix: string) => `${prefix}_${randomBytes(5).toString("hex")}`;

/** An empty database, or a copy of `template` (which must have no open connections). */
export function createDatabase(name: string, template?: string): Promise<void> {
  return admin(async (c) => {
    await c.query(`CREATE DATABASE ${ident(name)}${template ? ` TEMPLATE ${ident(template)}` : ""}`);
  });
}

export function dropDatabase(name: string): Promise<void> {
  return admin(async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${ident(name)} WITH (FORCE)`);
  });
}

/** Drops every database whose name starts with `prefix`. */
export function dropDatabases(prefix: string): Promise<void> {
  return admin(async (c) => {
    const { rows } = await c.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE $1", [`${prefix}%`]);
    for (const { datname } of rows) await c.query(`DROP DATABASE IF EXISTS ${ident(datname)} WITH (FORCE)`);
  });
}
