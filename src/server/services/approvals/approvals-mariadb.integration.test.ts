import { afterAll, beforeAll, describe } from "vitest";
import { accountsTable } from "@/test/accounts-table";
import { approvalFlowTests } from "@/test/approval-flows";
import { serviceAvailable } from "@/test/services";

const available = await serviceAvailable("mariadb");
const accounts = accountsTable("mariadb", "accounts");

describe.skipIf(!available)("approval flow on MariaDB", () => {
  beforeAll(() => accounts.create());
  afterAll(() => accounts.drop());

  approvalFlowTests({ dataSourceId: accounts.dataSourceId, table: accounts.table, balances: accounts.balances });
});
