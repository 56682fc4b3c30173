import { describe, expect, it } from "vitest";
import type { Connector, RelationFacts } from "@/server/connectors/types";
import { analyzeSql, type SqlDialect } from "@/server/sql";
import { explainIfSafe, previewability } from "./previewable";

/**
 * The previewability decision from catalogue facts, one class per case: storage that
 * a rollback does not undo, code that runs on write, and what the catalogue cannot find.
 */
const table = (name: string, over: Partial<RelationFacts> = {}): RelationFacts => ({
  asked: name,
  name,
  via: "named",
  kind: "table",
  storageEngine: null,
  transactional: true,
  triggers: [],
  writeHazards: [],
  defaultHazards: [],
  columns: ["id", "owner", "balance"],
  ...over,
});

function stub(facts: RelationFacts[], transactionalDdl = true, plans: string[] = [], dialect: SqlDialect = "postgres"): Connector {
  return {
    // The engine facts the decision reads, as each engine's connector declares them.
    capabilities: { transactionalDdl, executableComments: dialect === "mysql", attributeCalls: dialect === "postgres" },
    describeRelations: async (names: string[]) => facts.filter((f) => names.includes(f.asked)),
    explainPlan: async (sql: string) => {
      plans.push(sql);
      return "plan";
    },
  } as unknown as Connector;
}

const statement = (sql: string, dialect: SqlDialect) => {
  const analysis = analyzeSql(sql, dialect);
  if (!analysis.ok) throw new Error(analysis.error.message);
  return analysis.statements[0]!;
};

const decide = (sql: string, facts: RelationFacts[], dialect: SqlDialect = "postgres", ddl = true) =>
  previewability(stub(facts, ddl, [], dialect), statement(sql, dialect), dialect);

describe("previewability", () => {
  it("previews a plain write on ordinary transactional tables", async () => {
    expect(await decide("UPDATE accounts SET balance = balance + 1 WHERE id = 1", [table("accounts")])).toEqual({ previewable: true });
    expect(await decide("DELETE FROM accounts WHERE id IN (SELECT id FROM other)", [table("accounts"), table("other")])).toEqual({ previewable: true });
  });

  it.each([
    ["MyISAM", { storageEngine: "MyISAM", transactional: false }, /MyISAM/],
    ["Aria", { storageEngine: "Aria", transactional: false }, /Aria/],
    ["MEMORY", { storageEngine: "MEMORY", transactional: false }, /MEMORY/],
    ["foreign table", { kind: "foreign" as const, transactional: false }, /foreign table/],
    ["view", { kind: "view" as const }, /view/],
    ["virtual table", { kind: "virtual" as const, transactional: false }, /virtual/],
    ["trigger", { triggers: ["audit_it"] }, /audit_it/],
    ["rule", { writeHazards: ["rule log_it"] }, /log_it/],
    ["row security", { writeHazards: ["row-level security policies"] }, /row-level/],
  ])("does not preview a write to a %s", async (_label, over, why) => {
    const decision = await decide("UPDATE accounts SET balance = 0 WHERE id = 1", [table("accounts", over)], "mysql");
    expect(decision.previewable).toBe(false);
    if (!decision.previewable) expect(decision.reason).toMatch(why);
  });

  it("does not preview when a table the write reaches through a cascade has a trigger or is not transactional", async () => {
    const facts = [table("parent"), table("child", { asked: "parent", via: "dependent", triggers: ["t"] })];
    expect((await decide("DELETE FROM parent WHERE id = 1", facts)).previewable).toBe(false);
    const myisam = [table("parent"), table("child", { asked: "parent", via: "dependent", storageEngine: "MyISAM", transactional: false })];
    expect((await decide("DELETE FROM parent WHERE id = 1", myisam, "mysql")).previewable).toBe(false);
  });

  it("holds sequence-backed defaults against writes of defaults only", async () => {
    const facts = [table("events", { defaultHazards: ["identity column id (draws from a sequence)"] })];
    expect((await decide("INSERT INTO events (owner) VALUES ('x')", facts)).previewable).toBe(false);
    expect((await decide("UPDATE events SET balance = DEFAULT WHERE id = 1", facts)).previewable).toBe(false);
    expect(await decide("UPDATE events SET balance = 1 WHERE id = 1", facts)).toEqual({ previewable: true });
  });

  it("does not preview a table the catalogue does not know, or a PostgreSQL attribute-notation call", async () => {
    expect(await decide("UPDATE ghost SET balance = 1 WHERE id = 1", [])).toMatchObject({ previewable: false, reason: expect.stringMatching(/not found/) });
    const call = await decide("UPDATE accounts a SET owner = a.audit_row WHERE a.id = 1", [table("accounts")]);
    expect(call).toMatchObject({ previewable: false, explainable: false, reason: expect.stringMatching(/audit_row/) });
  });

  it("never previews DDL, procedures or maintenance commands", async () => {
    expect((await decide("ALTER TABLE accounts ADD COLUMN x int", [table("accounts")])).previewable).toBe(false);
    expect((await decide("CREATE TABLE x (id int)", [], "mysql", false)).previewable).toBe(false);
    expect((await decide("CALL do_things()", [], "mysql")).previewable).toBe(false);
    expect((await decide("UPDATE accounts SET balance = 1 /*!50000 , owner = sf() */ WHERE id = 1", [table("accounts")], "mysql")).previewable).toBe(false);
  });

  it("asks the planner only where planning cannot run code the statement calls", async () => {
    const plans: string[] = [];
    const myisam = stub([table("accounts", { storageEngine: "MyISAM", transactional: false })], true, plans, "mysql");
    const storageOnly = statement("UPDATE accounts SET balance = 0 WHERE id = 1", "mysql");
    expect(await explainIfSafe(myisam, storageOnly, await previewability(myisam, storageOnly, "mysql"))).toBe("plan");
    const calls = statement("UPDATE accounts SET balance = sf_audit(balance) WHERE id = 1", "mysql");
    expect(await explainIfSafe(myisam, calls, await previewability(myisam, calls, "mysql"))).toBeNull();
    expect(plans).toEqual([storageOnly.text]);
  });
});
