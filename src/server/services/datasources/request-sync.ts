import "server-only";
import { jobQueue } from "../../jobs";
import { schemaSyncJob } from "../../jobs/definitions/schema-sync";
import type { EnqueueResult } from "../../jobs/queue";
import { requireActingUser, type Principal } from "../principal";
import { getDataSourceRow } from "./crud";

/**
 * Queues a schema sync of one data source, run as the caller. While one is queued or
 * running, asking again answers that job. 404 when the data source does not exist or
 * the caller may not read it (checked now, and again when the job runs).
 */
export async function requestSchemaSync(principal: Principal, dataSourceId: string): Promise<EnqueueResult> {
  const user = requireActingUser(principal);
  await getDataSourceRow(user, dataSourceId);
  return jobQueue().enqueue(
    schemaSyncJob,
    { dataSourceId },
    { principal: user, idempotencyKey: `data-source:${dataSourceId}`, keyScope: "active" },
  );
}
