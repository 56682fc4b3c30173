import { it } from "vitest";
import { createMysqlConnector } from "./index";
it("debug", async () => {
  const bad = createMysqlConnector({ engine: "mysql", host: "127.0.0.1", database: "test", username: "root", password: "wrongpw1234" });
  const fns: Record<string, () => Promise<unknown>> = { run: () => bad.run("SELECT 1", { maxRows: 1, timeoutMs: 1000, readOnly: true }), test: () => bad.testConnection(), introspect: () => bad.introspect() };
  for (const w of "introspect introspect".split(" ")) { try { await fns[w]!(); } catch (e) { console.log("threw", (e as Error).message.slice(0, 30)); } }
  await bad.close();
});
