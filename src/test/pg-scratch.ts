import { randomBytes } from "node:crypto";
import pg from "pg";
import type { ConnectionConfig } from "@/server/connectors/types";
import { services } from "./services";

/** A PostgreSQL database of a test file's own, with a direct client on it; `drop` ends both. */
export interface ScratchDatabase {
  name: string;
  config: ConnectionConfig;
  direct: pg.Client;
  drop(): Promise<void>;
}

async function onServer(text: string): Promise<void> {
  const admin = new pg.Client({ ...services.postgres, database: "postgres" });
  await admin.connect();
  try {
    await admin.query(text);
  } finally {
    await admin.end();
  }
}

export async function createScratchDatabase(prefix: string): Promise<ScratchDatabase> {
  const svc = services.postgres;
  const name = `${prefix}_${randomBytes(5).toString("hex")}`;
  await onServer(`CREATE DATABASE ${name}`);
  const direct = new pg.Client({ ...svc, database: name });
  await direct.connect();
  return {
    name,
    config: { engine: "postgres", host: svc.host, port: svc.port, database: name, username: svc.user, password: svc.password || undefined },
    direct,
    drop: async () => {
      await direct.end().catch(() => undefined);
      await onServer(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}
