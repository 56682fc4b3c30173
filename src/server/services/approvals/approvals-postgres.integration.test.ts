import { afterAll, beforeAll, describe } from "vitest";
import { accountsTable } from "@/test/accounts-table";
import { approvalFlowTests } from "@/test/approval-flows";
import { serviceAvailable } from "@/test/services";

const available = await serviceAvailable("postgres");
const accounts = accountsTable("postgres", "accounts");

describe.skipIf(!available)("approval flow on PostgreSQL", () => {
  beforeAll(() => accounts.create());
  afterAll(() => accounts.drop());

  approvalFlowTests({ dataSourceId: accounts.dataSourceId, table: accounts.table, balances: accounts.balances });
});
