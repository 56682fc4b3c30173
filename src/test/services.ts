import { createConnection } from "node:net";

/**
 * The real servers the integration tests use (architecture note: PostgreSQL, MariaDB
 * and Redis run on development and CI machines). On a machine without one, its tests
 * skip with the reason printed; under CI a missing server is a failure instead.
 */
export const services = {
  postgres: {
    host: process.env.QUARRY_TEST_PG_HOST ?? "127.0.0.1",
    port: Number(process.env.QUARRY_TEST_PG_PORT ?? 5432),
    user: process.env.QUARRY_TEST_PG_USER ?? "postgres",
    password: process.env.QUARRY_TEST_PG_PASSWORD ?? "",
    database: process.env.QUARRY_TEST_PG_DATABASE ?? "test",
  },
  mariadb: {
    host: process.env.QUARRY_TEST_MYSQL_HOST ?? "127.0.0.1",
    port: Number(process.env.QUARRY_TEST_MYSQL_PORT ?? 3306),
    user: process.env.QUARRY_TEST_MYSQL_USER ?? "root",
    password: process.env.QUARRY_TEST_MYSQL_PASSWORD ?? "",
    database: process.env.QUARRY_TEST_MYSQL_DATABASE ?? "test",
  },
  redis: {
    host: process.env.QUARRY_TEST_REDIS_HOST ?? "127.0.0.1",
    port: Number(process.env.QUARRY_TEST_REDIS_PORT ?? 6379),
  },
} as const;

export type ServiceName = keyof typeof services;

function reachable(host: string, port: number, timeoutMs = 1500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

/**
 * Resolves to true when the service answers. When it does not: under CI this throws
 * (a missing service must fail the run); elsewhere it prints why and resolves false,
 * so the caller can `describe.skipIf(!available)`.
 */
export async function serviceAvailable(name: ServiceName): Promise<boolean> {
  const { host, port } = services[name];
  if (await reachable(host, port)) return true;
  const reason = `${name} is not reachable at ${host}:${port}`;
  if (process.env.CI) throw new Error(`${reason}; CI requires it`);
  console.warn(`[skip] ${reason}: its integration tests are skipped on this machine`);
  return false;
}
