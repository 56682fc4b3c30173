import "server-only";
import path from "node:path";
import { z } from "zod";
import { dataDir } from "./app-database";

/**
 * Every setting Quarry reads from its environment, parsed once. The README's
 * "Configuration" table documents each; keep the two in step.
 */
const envSchema = z.object({
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  QUARRY_ADMIN_EMAIL: z.string().email().optional(),
  QUARRY_ADMIN_PASSWORD: z.string().min(8).optional(),
  QUARRY_AUTH_SECRET: z.string().min(32).optional(),
  QUARRY_ENCRYPTION_KEY: z.string().min(32).optional(),
  QUARRY_ALLOW_REGISTRATION: z
    .enum(["true", "false", "1", "0"])
    .default("true")
    .transform((v) => v === "true" || v === "1"),
  QUARRY_ACCESS_TOKEN_TTL: z.coerce.number().int().min(60).default(3600),
  QUARRY_REFRESH_TOKEN_TTL: z.coerce.number().int().min(300).default(30 * 24 * 3600),
  QUARRY_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(600),
  QUARRY_QUERY_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(60),
  QUARRY_LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).default(10),
  QUARRY_LOGIN_LOCKOUT_SECONDS: z.coerce.number().int().min(1).default(900),
  QUARRY_MAX_BODY_BYTES: z.coerce.number().int().min(1024).default(1024 * 1024),
  QUARRY_DEMO: z
    .enum(["true", "false", "1", "0"])
    .default("true")
    .transform((v) => v === "true" || v === "1"),
  QUARRY_DAILY_QUERY_QUOTAS: z.string().optional(),
  QUARRY_QUERY_MAX_ROWS: z.coerce.number().int().min(1).max(1_000_000).default(10_000),
  QUARRY_QUERY_TIMEOUT_MS: z.coerce.number().int().min(100).default(30_000),
  QUARRY_QUERY_MAX_RESULT_BYTES: z.coerce.number().int().min(1024).max(1024 ** 3).default(50 * 1024 * 1024),
  QUARRY_QUERY_MAX_VALUE_BYTES: z.coerce.number().int().min(1024).max(256 * 1024 ** 2).default(10 * 1024 * 1024),
  QUARRY_STORED_RESULT_MAX_ROWS: z.coerce.number().int().min(0).max(1_000_000).default(10_000),
  QUARRY_STORED_RESULT_MAX_BYTES: z.coerce.number().int().min(0).max(256 * 1024 ** 2).default(4 * 1024 * 1024),
  QUARRY_EXPORT_TIMEOUT_MS: z.coerce.number().int().min(1000).default(30 * 60_000),
  QUARRY_JOB_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
  /** BullMQ backend: how soon a job whose worker died is found and handed out again (lock lifetime). */
  QUARRY_JOB_STALLED_MS: z.coerce.number().int().min(500).max(600_000).default(30_000),
  /** What this process does: web (HTTP + WebSocket), worker (jobs only) or both (default). */
  QUARRY_ROLE: z.enum(["all", "web", "worker"]).default("all"),
  REDIS_URL: z.string().url().optional(),
  /** Prefix of every Redis key and channel (several deployments on one Redis). */
  QUARRY_REDIS_PREFIX: z.string().regex(/^[\w:.-]{1,64}$/).default("quarry:"),
  /** Colon/comma-separated folders SQLite data sources must live in (unset: anywhere outside the data dir). */
  QUARRY_SQLITE_DIRS: z.string().optional(),
  /** Hosts, addresses and CIDR ranges data sources may not connect to ("none" clears the default list). */
  QUARRY_DATASOURCE_HOSTS_DENY: z.string().optional(),
  /** When set, the only hosts, addresses and CIDR ranges data sources may connect to. */
  QUARRY_DATASOURCE_HOSTS_ALLOW: z.string().optional(),
  /** SMTP for schedule results and notices, e.g. smtp://user:pass@mail.example.com:587 (unset: no email). */
  QUARRY_SMTP_URL: z.string().url().optional(),
  QUARRY_SMTP_FROM: z.string().max(320).default("Quarry <quarry@localhost>"),
  /** Webhooks may target private, loopback and link-local addresses (off by default: SSRF). */
  QUARRY_WEBHOOK_ALLOW_PRIVATE: z
    .enum(["true", "false", "1", "0"])
    .default("false")
    .transform((v) => v === "true" || v === "1"),
  /** Comma-separated hosts, addresses or CIDR ranges webhooks may target even when private. */
  QUARRY_WEBHOOK_HOSTS_ALLOW: z.string().optional(),
  /** Delivery attempts per webhook event (first one included) and the first retry's delay (doubling). */
  QUARRY_WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(5),
  QUARRY_WEBHOOK_RETRY_BASE_MS: z.coerce.number().int().min(10).default(5000),
  /** Failed runs in a row after which a schedule pauses itself. */
  QUARRY_SCHEDULE_MAX_FAILURES: z.coerce.number().int().min(1).max(100).default(3),
  /** Comma-separated origins (scheme://host[:port]) whose browser pages may call /api/v1 with credentials (unset: none). */
  QUARRY_CORS_ORIGINS: z.string().optional(),
  /** How long browsers may cache a CORS preflight answer, in seconds. */
  QUARRY_CORS_MAX_AGE: z.coerce.number().int().min(0).max(86_400).default(600),
  /** Object storage for the pipelines' `s3` loader (object-storage.ts); unset endpoint: AWS. */
  QUARRY_S3_ENDPOINT: z.string().url().optional(),
  QUARRY_S3_REGION: z.string().regex(/^[a-z0-9-]{1,64}$/, "a region name such as us-east-1").default("us-east-1"),
  QUARRY_S3_FORCE_PATH_STYLE: z
    .enum(["true", "false", "1", "0"])
    .default("false")
    .transform((v) => v === "true" || v === "1"),
  QUARRY_S3_ACCESS_KEY_ID: z.string().optional(),
  QUARRY_S3_SECRET_ACCESS_KEY: z.string().optional(),
  /** Comma-separated buckets pipelines may write to (unset: any the credentials reach). */
  QUARRY_S3_BUCKETS: z.string().optional(),
}).refine((env) => !env.QUARRY_S3_ACCESS_KEY_ID === !env.QUARRY_S3_SECRET_ACCESS_KEY, {
  message: "set QUARRY_S3_ACCESS_KEY_ID and QUARRY_S3_SECRET_ACCESS_KEY together (or neither, for the AWS default credential chain)",
  path: ["QUARRY_S3_ACCESS_KEY_ID"],
});

export type QuarryConfig = z.infer<typeof envSchema> & { dataDir: string; keysDir: string };

let cached: QuarryConfig | undefined;

export function config(): QuarryConfig {
  if (cached) return cached;
  const parsed = envSchema.safeParse(emptyToUndefined(process.env));
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    // A misconfigured environment must stop start-up with a readable message.
    throw new Error(`Quarry configuration is invalid:\n${lines.join("\n")}`);
  }
  const dir = dataDir();
  cached = { ...parsed.data, dataDir: dir, keysDir: path.join(dir, "keys") };
  return cached;
}

/** Tests change the environment between cases. */
export function resetConfigForTests(): void {
  cached = undefined;
}

function emptyToUndefined(env: NodeJS.ProcessEnv): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(env)) out[k] = v === "" ? undefined : v;
  return out;
}
