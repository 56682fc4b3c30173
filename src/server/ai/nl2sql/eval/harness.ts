import { createConnector } from "@/server/connectors";
import type { Connector, SchemaSnapshot } from "@/server/connectors/types";
import { nlSchemaOf, type DictionaryFacts } from "../from-schema";
import { quoteIdent } from "../render";
import type { Dialect, NlSchema } from "../types";
import { kindOfType } from "../kinds";

/**
 * A database for engine tests and the evaluation: introspected by Quarry's own
 * connector, text columns sampled the way the dictionary samples them.
 */
export interface EvalDb {
  connector: Connector;
  snapshot: SchemaSnapshot;
  schema: NlSchema;
  run(sql: string): Promise<Record<string, unknown>[]>;
}

export async function sampledFacts(connector: Connector, snapshot: SchemaSnapshot, dialect: Dialect, extra: DictionaryFacts[] = []): Promise<DictionaryFacts[]> {
  const facts: DictionaryFacts[] = [...extra];
  for (const t of snapshot.tables) {
    for (const c of t.columns) {
      if (kindOfType(c.type) !== "text") continue;
      const q = (n: string) => quoteIdent(n, dialect);
      const from = t.schema && dialect === "postgres" ? `${q(t.schema)}.${q(t.name)}` : q(t.name);
      const res = await connector.run(`SELECT ${q(c.name)} AS v, COUNT(*) AS n FROM ${from} WHERE ${q(c.name)} IS NOT NULL GROUP BY ${q(c.name)} ORDER BY 2 DESC LIMIT 201`, { maxRows: 201, timeoutMs: 10_000, readOnly: true });
      if (res.rows.length > 200) continue; // not categorical: values are not worth naming
      const existing = facts.find((f) => f.tableName === t.name && f.columnName === c.name);
      const values = res.rows.map((r) => String(r.v));
      if (existing) existing.values = values;
      else facts.push({ tableSchema: t.schema, tableName: t.name, columnName: c.name, values });
    }
  }
  return facts;
}

export async function openEvalDb(config: Parameters<typeof createConnector>[0], extra: DictionaryFacts[] = []): Promise<EvalDb> {
  const connector = createConnector(config);
  const snapshot = await connector.introspect();
  const dialect = config.engine;
  const facts = await sampledFacts(connector, snapshot, dialect, extra);
  const schema = nlSchemaOf(snapshot, dialect, facts, dialect === "mysql" ? [config.database] : []);
  return {
    connector,
    snapshot,
    schema,
    async run(sql) {
      return (await connector.run(sql, { maxRows: 100_000, timeoutMs: 20_000, readOnly: true })).rows;
    },
  };
}
