import { afterAll, beforeAll, describe } from "vitest";
import { accountsTable } from "@/test/accounts-table";
import { executionPipeTests } from "@/test/execution-pipe";
import { serviceAvailable } from "@/test/services";

const available = await serviceAvailable("mariadb");
const accounts = accountsTable("mariadb", "pipe_accounts");

describe.skipIf(!available)("the execution pipe on MariaDB", () => {
  beforeAll(() => accounts.create());
  afterAll(() => accounts.drop());

  // MySQL's backup is a CREATE TABLE ... AS SELECT in its own transaction (DDL commits implicitly there).
  executionPipeTests({ engine: "mysql", dataSourceId: accounts.dataSourceId, table: accounts.table, explainEstimates: true, slowRead: "SELECT count(*) AS n FROM information_schema.columns a, information_schema.columns b, information_schema.columns c", refusedRead: null });
});
