import "server-only";
import type { RelationFacts, RunOptions, RunResult } from "../types";

/**
 * MySQL/MariaDB catalogue facts for write previews. Only InnoDB (XtraDB reports
 * itself as InnoDB) undoes writes on rollback: MyISAM, Aria, MEMORY, CSV, ARCHIVE,
 * FEDERATED, CONNECT, SPIDER, BLACKHOLE and the rest keep (or forward) them at once.
 * Triggers run arbitrary code, and AUTO_INCREMENT counters are not given back by a
 * rollback. A write's reach includes the foreign-key children its cascades touch.
 */
type Run = (sql: string, opts: RunOptions) => Promise<RunResult>;

const TRANSACTIONAL_ENGINES = new Set(["innodb", "xtradb"]);
const MAX_DEPTH = 6;

const read = (run: Run, sql: string, params: unknown[]) => run(sql, { readOnly: true, maxRows: 1000, timeoutMs: 10_000, params });

function splitName(name: string): { schema: string | null; table: string } {
  const parts = name.split(".");
  return parts.length > 1 ? { schema: parts[parts.length - 2]!, table: parts[parts.length - 1]! } : { schema: null, table: name };
}

async function describeOne(run: Run, schema: string | null, table: string): Promise<Omit<RelationFacts, "asked" | "via"> | null> {
  const tables = await read(
    run,
    `SELECT TABLE_SCHEMA AS s, TABLE_NAME AS t, TABLE_TYPE AS type, ENGINE AS engine FROM information_schema.TABLES
     WHERE TABLE_SCHEMA = COALESCE(?, DATABASE()) AND TABLE_NAME = ?`,
    [schema, table],
  );
  const row = tables.rows[0];
  if (!row) return null;
  const s = String(row.s);
  const t = String(row.t);
  const type = String(row.type ?? "").toUpperCase();
  const engine = row.engine === null || row.engine === undefined ? null : String(row.engine);
  const [triggers, columns] = await Promise.all([
    read(run, "SELECT TRIGGER_NAME AS name FROM information_schema.TRIGGERS WHERE EVENT_OBJECT_SCHEMA = ? AND EVENT_OBJECT_TABLE = ?", [s, t]),
    read(run, "SELECT COLUMN_NAME AS name, EXTRA AS extra FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION", [s, t]),
  ]);
  const hazards = columns.rows
    .filter((c) => /auto_increment/i.test(String(c.extra ?? "")))
    .map((c) => `AUTO_INCREMENT column ${String(c.name)} (its counter is not given back by a rollback)`);
  const kind: RelationFacts["kind"] = type === "VIEW" ? "view" : type.includes("TABLE") ? "table" : "other";
  return {
    name: `${s}.${t}`,
    kind,
    storageEngine: engine,
    transactional: kind === "table" && engine !== null && TRANSACTIONAL_ENGINES.has(engine.toLowerCase()),
    triggers: triggers.rows.map((r) => String(r.name)),
    writeHazards: [],
    defaultHazards: hazards,
    columns: columns.rows.map((c) => String(c.name)),
  };
}

export async function describeMysqlRelations(run: Run, names: string[], dependentsOf: string[]): Promise<RelationFacts[]> {
  const facts: RelationFacts[] = [];
  for (const asked of new Set(names)) {
    const { schema, table } = splitName(asked);
    const named = await describeOne(run, schema, table);
    if (!named) continue;
    facts.push({ asked, via: "named", ...named });
    if (!dependentsOf.includes(asked)) continue;
    const seen = new Set([named.name]);
    let frontier = [named.name];
    for (let depth = 0; depth < MAX_DEPTH && frontier.length > 0; depth++) {
      const next: string[] = [];
      for (const parent of frontier) {
        const [ps, pt] = parent.split(".") as [string, string];
        const children = await read(
          run,
          `SELECT CONSTRAINT_SCHEMA AS s, TABLE_NAME AS t FROM information_schema.REFERENTIAL_CONSTRAINTS
           WHERE UNIQUE_CONSTRAINT_SCHEMA = ? AND REFERENCED_TABLE_NAME = ?`,
          [ps, pt],
        );
        for (const child of children.rows) {
          const name = `${String(child.s)}.${String(child.t)}`;
          if (seen.has(name)) continue;
          seen.add(name);
          const described = await describeOne(run, String(child.s), String(child.t));
          if (described) facts.push({ asked, via: "dependent", ...described });
          next.push(name);
        }
      }
      frontier = next;
    }
  }
  return facts;
}

/**
 * EXPLAIN rows as a text table. `explain` is the connector's EXPLAIN runner, which
 * tries a read-only transaction first (MySQL refuses EXPLAIN of a write there) and
 * plans plain DML in a transaction that is never committed; EXPLAIN does not execute it.
 */
export async function explainMysql(explain: (sql: string) => Promise<Record<string, unknown>[]>, sql: string): Promise<string> {
  const rows = await explain(sql);
  const columns = Object.keys(rows[0] ?? {});
  const lines = [columns.join(" | ")];
  for (const row of rows) lines.push(columns.map((c) => (row[c] === null || row[c] === undefined ? "NULL" : String(row[c]))).join(" | "));
  return lines.join("\n");
}
