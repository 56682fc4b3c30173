import "server-only";
import { z } from "zod";

/** The engines Quarry connects to, and the spellings the seeds use for them. */
import { ENGINES, type Engine } from "../../../lib/engine";

export { ENGINES };
export type EngineName = Engine;

const aliases: Record<string, EngineName> = {
  postgres: "postgres",
  postgresql: "postgres",
  pg: "postgres",
  mysql: "mysql",
  mariadb: "mysql",
  sqlite: "sqlite",
  sqlite3: "sqlite",
};

export const engineSchema = z
  .string()
  .trim()
  .toLowerCase()
  .refine((v) => v in aliases, { message: "type must be postgres, postgresql, mysql, mariadb or sqlite" })
  .transform((v) => aliases[v]!);

export const defaultPort: Record<EngineName, number | null> = { postgres: 5432, mysql: 3306, sqlite: null };

export const SSL_MODES = ["disable", "require", "verify-full"] as const;
export const sslModeSchema = z.enum(SSL_MODES);
