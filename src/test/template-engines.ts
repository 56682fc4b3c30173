import { beforeAll, describe, expect, it } from "vitest";
import { toSessionUser } from "@/server/services/auth/session";
import { createUser } from "@/server/services/auth/users";
import { userPrincipal, type Principal } from "@/server/services/principal";
import { createTemplate, runTemplate } from "@/server/services/templates";
import { runParameterized } from "@/server/services/templates/run";
import type { ExecuteOutcome } from "@/server/services/queries/execute";
import { grant } from "./fixtures";

/**
 * Templates with typed parameters, run on a real engine. The fixture has a table
 * `tpl_orders (id, order_date, status, total_amount)` holding the rows of `templateOrderRows`.
 */
export const templateOrderRows: [number, string, string, number][] = [
  [1, "2024-01-05", "shipped", 120.5],
  [2, "2024-02-10", "delivered", 80],
  [3, "2024-02-20", "cancelled", 300],
  [4, "2024-03-01", "shipped", 999.99],
  [5, "2023-12-31", "shipped", 50],
];

const rowsOf = (outcome: ExecuteOutcome) => {
  if (outcome.type !== "result") throw new Error(`expected a result, got ${outcome.type}`);
  return outcome.result.rows;
};

export function templateEngineTests(engine: string, dataSourceId: () => string) {
  describe(`templates on ${engine}`, () => {
    let reader: Principal;
    let outsider: Principal;

    beforeAll(async () => {
      const stamp = `${Date.now()}-${Math.random().toString(36).slice(2)}`;
      const r = await createUser({ email: `tpl-reader-${stamp}@example.test`, password: "correct-horse-9", role: "analyst" });
      const o = await createUser({ email: `tpl-outsider-${stamp}@example.test`, password: "correct-horse-9", role: "analyst" });
      await grant(r.id, dataSourceId(), { canRead: true });
      reader = userPrincipal(toSessionUser(r));
      outsider = userPrincipal(toSessionUser(o));
    });

    it("binds date, number and text parameters as values (a name used twice binds twice)", async () => {
      const t = await createTemplate(reader, {
        title: "Orders in a period",
        sql: `SELECT id FROM tpl_orders WHERE order_date >= {{start_date}} AND order_date < {{end_date}}
              AND total_amount >= :min_amount AND (status = {{status}} OR {{status}} = 'any') ORDER BY id`,
        parameters: [
          { name: "start_date", type: "date", default: "2024-01-01" },
          { name: "end_date", type: "date", default: "2025-01-01" },
          { name: "min_amount", type: "number", default: 0 },
          { name: "status", type: "string", default: "any" },
        ],
      });
      expect(t.parameters.map((p) => p.name)).toEqual(["start_date", "end_date", "min_amount", "status"]);
      const all = rowsOf(await runTemplate(reader, t.id, { dataSourceId: dataSourceId(), values: {} }));
      expect(all.map((r) => Number(r.id))).toEqual([1, 2, 3, 4]);
      const some = rowsOf(
        await runTemplate(reader, t.id, { dataSourceId: dataSourceId(), values: { start_date: "2024-02-01", min_amount: "100", status: "shipped" } }),
      );
      expect(some.map((r) => Number(r.id))).toEqual([4]);
    });

    it("treats an injection attempt as a plain value", async () => {
      const rows = rowsOf(
        await runParameterized(reader, {
          dataSourceId: dataSourceId(),
          sql: "SELECT id FROM tpl_orders WHERE status = :status ORDER BY id",
          values: { status: "shipped' OR '1'='1" },
        }),
      );
      expect(rows).toEqual([]);
      const shipped = rowsOf(
        await runParameterized(reader, { dataSourceId: dataSourceId(), sql: "SELECT id FROM tpl_orders WHERE status = :status ORDER BY id", values: { status: "shipped" } }),
      );
      expect(shipped.map((r) => Number(r.id))).toEqual([1, 4, 5]);
    });

    it("refuses a missing value and a value of the wrong type with 422 naming the parameter", async () => {
      const t = await createTemplate(reader, {
        title: "Above",
        sql: "SELECT id FROM tpl_orders WHERE total_amount > {{amount}}",
        parameters: [{ name: "amount", type: "number", required: true }],
      });
      await expect(runTemplate(reader, t.id, { dataSourceId: dataSourceId(), values: {} })).rejects.toMatchObject({
        code: "VALIDATION_ERROR",
        fields: [{ field: "parameters.amount" }],
      });
      await expect(runTemplate(reader, t.id, { dataSourceId: dataSourceId(), values: { amount: "1; DROP TABLE tpl_orders" } })).rejects.toMatchObject({
        code: "VALIDATION_ERROR",
      });
    });

    it("runs only on sources the caller may read", async () => {
      const t = await createTemplate(reader, { title: "All", sql: "SELECT id FROM tpl_orders WHERE id = {{id}}", parameters: [{ name: "id", type: "integer" }] });
      await expect(runTemplate(outsider, t.id, { dataSourceId: dataSourceId(), values: { id: 1 } })).rejects.toMatchObject({ code: "NOT_FOUND" });
    });

    it("refuses parameters on a statement that is not a read", async () => {
      await expect(
        runParameterized(reader, { dataSourceId: dataSourceId(), sql: "DELETE FROM tpl_orders WHERE id = :id", values: { id: 1 } }),
      ).rejects.toMatchObject({ code: expect.stringMatching(/VALIDATION_ERROR|FORBIDDEN|QUERY_REJECTED/) });
    });
  });
}
