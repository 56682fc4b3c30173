// A stand-in Quarry server process for crash-recovery tests: it loads the real services
// (TypeScript, through jiti, which Prisma's CLI already brings) against the test's app
// database (QUARRY_DATA_DIR is inherited) and starts one piece of work, which the test
// then kills with SIGKILL mid-way.
//
//   node src/test/crash-child.mjs query  <userId> <dataSourceId> <sql>
//   node src/test/crash-child.mjs commit <userId> <approvalId>
import { createJiti } from "jiti";
import path from "node:path";
import { fileURLToPath } from "node:url";

const src = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const jiti = createJiti(import.meta.url, {
  alias: { "@": src, "server-only": path.join(src, "test/server-only-stub.ts") },
  interopDefault: true,
});

const [mode, userId, target, sql] = process.argv.slice(2);
const { db } = await jiti.import(path.join(src, "server/db/index.ts"));
const { toSessionUser } = await jiti.import(path.join(src, "server/services/auth/session.ts"));
const { userPrincipal } = await jiti.import(path.join(src, "server/services/principal.ts"));
const principal = userPrincipal(toSessionUser(await db.user.findUniqueOrThrow({ where: { id: userId } })));

// Tells the test the work is about to start; it watches the app database from there.
process.send?.({ ready: true });
if (mode === "query") {
  const { executeQuery } = await jiti.import(path.join(src, "server/services/queries/execute.ts"));
  await executeQuery(principal, { dataSourceId: target, sql, wait: true, source: "crash-test" });
} else if (mode === "commit") {
  const { commitApproval } = await jiti.import(path.join(src, "server/services/approvals/execute.ts"));
  await commitApproval(principal, target);
} else {
  throw new Error(`unknown mode ${mode}`);
}
process.send?.({ finished: true });
