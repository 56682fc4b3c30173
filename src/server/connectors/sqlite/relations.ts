import "server-only";
import type { RelationFacts, RunOptions, RunResult } from "../types";

/**
 * SQLite catalogue facts for write previews. Ordinary tables are transactional;
 * virtual tables run a module's code (which may keep state outside the file), views
 * only change through INSTEAD OF triggers, and triggers run arbitrary statements.
 * A write's reach includes the foreign-key children its cascades may touch.
 */
type Run = (sql: string, opts: RunOptions) => Promise<RunResult>;

const MAX_DEPTH = 6;

const read = (run: Run, sql: string, params: unknown[]) => run(sql, { readOnly: true, maxRows: 1000, timeoutMs: 10_000, params });

async function describeOne(run: Run, table: string): Promise<Omit<RelationFacts, "asked" | "via"> | null> {
  const found = await read(run, "SELECT name, type, sql FROM sqlite_master WHERE type IN ('table', 'view') AND name = ? COLLATE NOCASE", [table]);
  const row = found.rows[0];
  if (!row) return null;
  const name = String(row.name);
  const virtual = /^\s*CREATE\s+VIRTUAL\b/i.test(String(row.sql ?? ""));
  const [triggers, columns] = await Promise.all([
    read(run, "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ? COLLATE NOCASE ORDER BY name", [name]),
    read(run, "SELECT name FROM pragma_table_info(?) ORDER BY cid", [name]),
  ]);
  const kind: RelationFacts["kind"] = row.type === "view" ? "view" : virtual ? "virtual" : "table";
  return {
    name,
    kind,
    storageEngine: null,
    transactional: kind === "table",
    triggers: triggers.rows.map((r) => String(r.name)),
    writeHazards: [],
    defaultHazards: [],
    columns: columns.rows.map((c) => String(c.name)),
  };
}

export async function describeSqliteRelations(run: Run, names: string[], dependentsOf: string[]): Promise<RelationFacts[]> {
  const facts: RelationFacts[] = [];
  for (const asked of new Set(names)) {
    const parts = asked.split(".");
    // Attached databases are out of reach of this lookup: unknown means not previewable.
    if (parts.length > 1 && parts[0]!.toLowerCase() !== "main") continue;
    const named = await describeOne(run, parts[parts.length - 1]!);
    if (!named) continue;
    facts.push({ asked, via: "named", ...named });
    if (!dependentsOf.includes(asked)) continue;
    const seen = new Set([named.name.toLowerCase()]);
    let frontier = [named.name];
    for (let depth = 0; depth < MAX_DEPTH && frontier.length > 0; depth++) {
      const next: string[] = [];
      for (const parent of frontier) {
        const children = await read(
          run,
          `SELECT DISTINCT m.name AS name FROM sqlite_master m JOIN pragma_foreign_key_list(m.name) f
           WHERE m.type = 'table' AND f."table" = ? COLLATE NOCASE`,
          [parent],
        );
        for (const child of children.rows) {
          const childName = String(child.name);
          if (seen.has(childName.toLowerCase())) continue;
          seen.add(childName.toLowerCase());
          const described = await describeOne(run, childName);
          if (described) facts.push({ asked, via: "dependent", ...described });
          next.push(childName);
        }
      }
      frontier = next;
    }
  }
  return facts;
}

export async function explainSqlite(run: Run, sql: string, timeoutMs = 10_000): Promise<string> {
  const result = await run(`EXPLAIN QUERY PLAN ${sql}`, { readOnly: true, maxRows: 200, timeoutMs });
  return result.rows.map((r) => String(r.detail ?? JSON.stringify(r))).join("\n");
}
