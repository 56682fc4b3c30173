import "server-only";
import { sqlTextDialect } from "../sql-text";
import { connectorOptions } from "../config";
import { cancelByTag } from "../control";
import { connectionFailed } from "../errors";
import type { Capabilities, ConnectionConfig, ConnectionTest, Connector } from "../types";
import { createMysqlKysely, createMysqlPool, flavorOf, mysqlPoolOptions, type ServerFlavor } from "./dialect";
import { introspectMysql } from "./introspect";
import { mysqlLoginCheck } from "./privileges";
import { describeMysqlRelations, explainMysql } from "./relations";
import { checkout, exec, explainRows, mysqlQueryError, release, runMysql, streamMysql, transactionMysql, type MysqlContext } from "./run";
import { mysqlWriteDialect } from "./write-dialect";

export const mysqlCapabilities: Capabilities = {
  readOnlyTransactions: true,
  transactionalDdl: false,
  singleWriter: false,
  explainEstimates: true,
  cancel: "kill-query",
  copyExport: false,
  schemas: false,
  paramStyle: "question",
  identifierQuote: "`",
  supportsReturning: false,
  databaseIsSchema: true,
  listsUserFunctions: true,
  executableComments: true,
  attributeCalls: false,
};

export function createMysqlConnector(config: ConnectionConfig): Connector {
  const options = connectorOptions(config);
  const poolOptions = mysqlPoolOptions(config, options);
  const pool = createMysqlPool(poolOptions);
  const db = createMysqlKysely(pool);

  let flavor: Promise<ServerFlavor> | undefined;
  const ctx: MysqlContext = {
    config,
    poolOptions,
    pool,
    inflight: new Map(),
    // Asked once per connector; a failure is not cached so a later call can retry.
    flavor: () =>
      (flavor ??= serverVersion().then(flavorOf, (err) => {
        flavor = undefined;
        throw err;
      })),
  };

  async function serverVersion(): Promise<string> {
    const lease = await checkout(ctx);
    try {
      const rows = (await exec(lease, "SELECT VERSION() AS version")) as { version: string }[];
      return rows[0]?.version ?? "";
    } finally {
      release(lease);
    }
  }

  return {
    engine: "mysql",
    capabilities: mysqlCapabilities,
    dialect: sqlTextDialect(mysqlCapabilities),
    writeDialect: mysqlWriteDialect,

    async testConnection(): Promise<ConnectionTest> {
      const started = performance.now();
      try {
        const version = await serverVersion();
        const latencyMs = performance.now() - started;
        const lease = await checkout(ctx);
        try {
          const [who] = (await exec(lease, "SELECT CURRENT_USER() AS login")) as { login: string }[];
          const grants = (await exec(lease, "SHOW GRANTS")) as Record<string, string>[];
          const { warnings } = mysqlLoginCheck(who?.login ?? "", grants.map((row) => Object.values(row)[0] ?? ""));
          return { ok: true, latencyMs, version, message: `Connected: ${version}`, warnings };
        } finally {
          release(lease);
        }
      } catch (err) {
        return { ok: false, latencyMs: performance.now() - started, version: "", message: connectionFailed(config, err).message };
      }
    },

    async introspect() {
      try {
        return await introspectMysql(db);
      } catch (err) {
        const e = err as { fatal?: boolean; errno?: number; code?: string };
        const connection = e.fatal || e.errno === undefined || e.errno === 1045 || e.errno === 1049;
        throw connection ? connectionFailed(config, err) : mysqlQueryError(err, 0);
      }
    },

    run: (sql, opts) => runMysql(ctx, sql, opts),
    stream: (sql, opts) => streamMysql(ctx, sql, opts),
    transaction: (fn, opts) => transactionMysql(ctx, fn, opts),
    cancel: (queryTag) => cancelByTag(ctx.inflight, queryTag),

    describeRelations: (names, dependentsOf) => describeMysqlRelations((sql, o) => runMysql(ctx, sql, o), names, dependentsOf),
    explainPlan: (sql, opts = {}) => explainMysql((s) => explainRows(ctx, s, undefined, opts.timeoutMs ?? 10_000), sql),

    async explainEstimate(sql, opts = {}) {
      const rows = await explainRows(ctx, sql, opts.params, opts.timeoutMs ?? 10_000);
      // The top-level join's row counts multiply; `filtered` (percent) narrows each step.
      const top = rows.filter((r) => String(r.id) === String(rows[0]?.id));
      let estimate = 1;
      for (const r of top) {
        const n = Number(r.rows);
        if (!Number.isFinite(n)) return null;
        const filtered = r.filtered === undefined || r.filtered === null ? 100 : Number(r.filtered);
        estimate *= n * (Number.isFinite(filtered) ? filtered / 100 : 1);
      }
      return top.length > 0 ? Math.round(estimate) : null;
    },

    async close() {
      for (const control of ctx.inflight.values()) control.stop("cancel");
      // Best effort: a pool whose last connect attempt failed reports that failure again here.
      await db.destroy().catch(() => {});
    },
  };
}
