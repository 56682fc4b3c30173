import "server-only";
import { sqlTextDialect } from "../sql-text";
import { connectorOptions } from "../config";
import { cancelByTag, RunControl } from "../control";
import { connectionFailed } from "../errors";
import { assertPostgresReadable } from "../guard";
import type { Capabilities, ConnectionConfig, ConnectionTest, Connector } from "../types";
import { catalogCache } from "./catalog";
import { copyOutPostgres } from "./copy";
import { createPgKysely, createPgPool, isFatalForClient, pgClientConfig, PgTypeNames } from "./dialect";
import { introspectPostgres } from "./introspect";
import { checkPostgresLogin } from "./privileges";
import { beginReadOnly, checkout, endSession, pgQueryError, pgRunError, release, runPostgres, streamPostgres, transactionPostgres, type PgContext } from "./run";
import { SessionReset } from "./session";
import { describePostgresRelations, explainPostgres } from "./relations";
import { postgresWriteDialect } from "./write-dialect";

export const postgresCapabilities: Capabilities = {
  readOnlyTransactions: true,
  transactionalDdl: true,
  singleWriter: false,
  explainEstimates: true,
  cancel: "backend",
  copyExport: true,
  schemas: true,
  paramStyle: "dollar",
  identifierQuote: '"',
  supportsReturning: true,
  databaseIsSchema: false,
  listsUserFunctions: true,
  executableComments: false,
  attributeCalls: true,
};

export function createPostgresConnector(config: ConnectionConfig): Connector {
  const options = connectorOptions(config);
  const clientConfig = pgClientConfig(config, options);
  const pool = createPgPool(clientConfig, options);
  const db = createPgKysely(pool);
  const ctx: PgContext = { config, clientConfig, pool, inflight: new Map(), typeNames: new PgTypeNames(), session: new SessionReset() };
  const catalog = catalogCache(ctx);

  return {
    engine: "postgres",
    capabilities: postgresCapabilities,
    dialect: sqlTextDialect(postgresCapabilities),
    writeDialect: postgresWriteDialect,

    async testConnection(): Promise<ConnectionTest> {
      const started = performance.now();
      try {
        const lease = await checkout(ctx);
        try {
          const res = await lease.client.query<{ version: string }>("SELECT version() AS version");
          const version = res.rows[0]?.version ?? "";
          const latencyMs = performance.now() - started;
          const login = await checkPostgresLogin(lease.client, config.readRole);
          if (login.readRoleError) {
            return { ok: false, latencyMs, version, message: login.readRoleError, warnings: login.warnings, readRoleError: login.readRoleError };
          }
          return { ok: true, latencyMs, version, message: `Connected: ${version}`, warnings: login.warnings };
        } finally {
          release(lease);
        }
      } catch (err) {
        const failure = connectionFailed(config, err);
        return { ok: false, latencyMs: performance.now() - started, version: "", message: failure.message };
      }
    },

    async introspect() {
      try {
        return await introspectPostgres(db, options.schemas);
      } catch (err) {
        throw isFatalForClient(err) ? connectionFailed(config, err) : pgQueryError(err, 0);
      }
    },

    run: (sql, opts) => runPostgres(ctx, sql, opts),
    stream: (sql, opts) => streamPostgres(ctx, sql, opts),
    copyOut: (sql, opts) => copyOutPostgres(ctx, sql, opts),
    transaction: (fn, opts) => transactionPostgres(ctx, fn, opts).finally(() => catalog.invalidate()),
    cancel: (queryTag) => cancelByTag(ctx.inflight, queryTag),
    functionCatalog: (options) => catalog.get(options),

    describeRelations: (names, dependentsOf) => describePostgresRelations((sql, o) => runPostgres(ctx, sql, o), names, dependentsOf),
    explainPlan: (sql, opts = {}) => explainPostgres((s, o) => runPostgres(ctx, s, o), sql, opts.timeoutMs),

    async explainEstimate(sql, opts = {}) {
      assertPostgresReadable(sql);
      const control = RunControl.start(ctx.inflight, { timeoutMs: opts.timeoutMs ?? 10_000 }, 1_000);
      const lease = await checkout(ctx).catch((err) => {
        control.finish();
        throw err;
      });
      try {
        await beginReadOnly(ctx, lease, control);
        const res = await lease.client.query({
          text: `EXPLAIN (FORMAT JSON) ${sql}`,
          values: opts.params,
          queryMode: "extended",
        } as { text: string; values?: unknown[] });
        type PlanNode = { "Node Type"?: string; "Plan Rows"?: number; Plans?: PlanNode[] };
        const plan = (res.rows[0] as Record<string, unknown> | undefined)?.["QUERY PLAN"] as { Plan?: PlanNode }[] | undefined;
        // A write's top node (ModifyTable) plans 0 output rows; the rows it changes come from below.
        let node = plan?.[0]?.Plan;
        while (node?.["Node Type"] === "ModifyTable" && node.Plans?.[0]) node = node.Plans[0];
        const rows = node?.["Plan Rows"];
        return typeof rows === "number" ? rows : null;
      } catch (err) {
        throw control.fail(err, (e) => pgRunError(ctx, e, control.timeoutMs));
      } finally {
        control.finish();
        await endSession(ctx, lease);
        release(lease);
      }
    },

    async close() {
      for (const control of ctx.inflight.values()) control.stop("cancel");
      // Best effort: a pool whose last connect attempt failed reports that failure again here.
      await db.destroy().catch(() => {});
    },
  };
}
