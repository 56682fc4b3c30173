import { describe, expect, it } from "vitest";
import { analyzeSql } from "./analyze";
import { rollbackSafety } from "./rollback-safety";
import type { SqlDialect } from "./types";

const judge = (sql: string, dialect: SqlDialect) => {
  const analysis = analyzeSql(sql, dialect);
  if (!analysis.ok) throw new Error(analysis.error.message);
  return rollbackSafety(analysis.statements[0]!, dialect);
};

const plain: [SqlDialect, string][] = [
  ["postgres", "UPDATE accounts SET balance = balance + 1, updated_at = now() WHERE id IN (1, 2)"],
  ["postgres", "UPDATE accounts SET owner = lower(trim(owner)) || '-x', note = coalesce(note, '')::text WHERE id = 1"],
  ["postgres", "DELETE FROM accounts WHERE id = 3 RETURNING *"],
  ["postgres", "INSERT INTO accounts (id, owner, balance) VALUES (9, upper('a'), 1) ON CONFLICT (id) DO UPDATE SET balance = excluded.balance"],
  ["mysql", "UPDATE accounts SET balance = ROUND(balance * 1.5), owner = CONCAT(owner, '!') WHERE id = 1"],
  ["mysql", "INSERT INTO accounts VALUES (7, 'x', 1) ON DUPLICATE KEY UPDATE balance = VALUES(balance)"],
  ["sqlite", "UPDATE accounts SET balance = abs(balance) WHERE id = (SELECT max(id) FROM accounts)"],
  ["postgres", "UPDATE accounts SET opened = opened + INTERVAL '1 day', year = EXTRACT(YEAR FROM opened) WHERE id = 1"],
  ["postgres", "UPDATE accounts SET tags = ARRAY['a'], balance = $1 WHERE EXISTS (SELECT 1 FROM other o WHERE o.id = accounts.id)"],
  ["postgres", "DELETE FROM accounts WHERE opened < now() - interval '30 days' AND owner ILIKE '%x%'"],
  ["mysql", "UPDATE accounts SET opened = DATE_ADD(opened, INTERVAL 1 DAY), flag = IF(balance > 1, 1, 0) ORDER BY id LIMIT 3"],
  ["sqlite", "UPDATE accounts SET opened = datetime('now'), balance = coalesce(balance, 0) WHERE id = 1"],
];

const notPlain: [SqlDialect, string, RegExp][] = [
  ["postgres", "UPDATE accounts SET balance = audit_touch(balance) WHERE id = 1", /audit_touch/],
  ["postgres", "UPDATE accounts SET balance = nextval('s') WHERE id = 1", /nextval/],
  ["postgres", "UPDATE accounts SET owner = public.lower(owner) WHERE id = 1", /public\.lower/],
  ["postgres", "UPDATE accounts SET owner = (SELECT dblink_exec('dbname=x', 'DELETE FROM t'))::text", /dblink_exec|parser/],
  ["postgres", "UPDATE accounts SET balance = balance::my_money WHERE id = 1", /my_money|parser/],
  ["postgres", "UPDATE accounts SET balance = balance #@# 1 WHERE id = 1", /operator|#@#|parser/],
  ["postgres", "UPDATE accounts SET balance = CAST(balance AS my_money) WHERE id = 1", /my_money|parser/],
  ["postgres", "INSERT INTO accounts SELECT * FROM generate_series(1, 3) g", /generate_series/],
  ["postgres", "WITH gone AS (DELETE FROM other RETURNING id) UPDATE accounts SET balance = 0 WHERE id IN (SELECT id FROM gone)", /./],
  ["postgres", "MERGE INTO accounts a USING other o ON a.id = o.id WHEN MATCHED THEN UPDATE SET balance = o.balance", /parser/],
  ["postgres", "TRUNCATE accounts", /not a plain/],
  ["mysql", "UPDATE accounts SET balance = sf_audit(balance) WHERE id = 1", /sf_audit/],
  ["mysql", "UPDATE accounts SET balance = (@x := balance) WHERE id = 1", /./],
  ["mysql", "UPDATE accounts SET balance = SLEEP(1) WHERE id = 1", /sleep/i],
  ["sqlite", "UPDATE accounts SET owner = my_udf(owner)", /my_udf/],
  ["sqlite", "INSERT INTO accounts (owner) SELECT randomblob(4) FROM accounts", /randomblob/],
];

describe("rollback safety from the text", () => {
  it.each(plain)("%s plain: %s", (dialect, sql) => {
    const verdict = judge(sql, dialect);
    expect(verdict, JSON.stringify(verdict)).toMatchObject({ ok: true });
  });

  it.each(notPlain)("%s not plain: %s", (dialect, sql, why) => {
    const verdict = judge(sql, dialect);
    expect(verdict.ok).toBe(false);
    if (!verdict.ok) expect(verdict.reasons.join("; ")).toMatch(why);
  });

  it("explains only statements that call no code it cannot vouch for", () => {
    const unknownFunction = judge("UPDATE accounts SET balance = audit_touch(balance) WHERE id = 1", "postgres");
    expect(unknownFunction).toMatchObject({ ok: false, explainable: false });
  });

  it("reports qualified names, which PostgreSQL may resolve as functions", () => {
    const verdict = judge("UPDATE accounts a SET owner = a.audit_row WHERE a.id = 1", "postgres");
    expect(verdict).toMatchObject({ ok: true });
    if (verdict.ok) expect(verdict.qualifiedColumns).toContainEqual({ qualifier: "a", column: "audit_row" });
  });

  it("marks writes of column defaults", () => {
    expect(judge("INSERT INTO accounts (owner) VALUES ('x')", "postgres")).toMatchObject({ ok: true, usesDefaults: true });
    expect(judge("UPDATE accounts SET balance = DEFAULT WHERE id = 1", "postgres")).toMatchObject({ ok: true, usesDefaults: true });
    expect(judge("UPDATE accounts SET balance = 1 WHERE id = 1", "postgres")).toMatchObject({ ok: true, usesDefaults: false });
  });
});
