import { afterAll, beforeAll, describe } from "vitest";
import { accountsTable } from "@/test/accounts-table";
import { executionPipeTests } from "@/test/execution-pipe";
import { serviceAvailable } from "@/test/services";

const available = await serviceAvailable("postgres");
const accounts = accountsTable("postgres", "pipe_accounts");

describe.skipIf(!available)("the execution pipe on PostgreSQL", () => {
  beforeAll(() => accounts.create());
  afterAll(() => accounts.drop());

  executionPipeTests({ engine: "postgres", dataSourceId: accounts.dataSourceId, table: accounts.table, explainEstimates: true, slowRead: "SELECT count(*) AS n FROM generate_series(1, 400000000) g", refusedRead: "SELECT pg_advisory_lock(1)" });
});
