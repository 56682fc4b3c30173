import "server-only";
import type { RestRoute } from "./route";
import { aiRoutes } from "./routes/ai";
import { analyticsRoutes } from "./routes/analytics";
import { chatRoutes } from "./routes/chat";
import { usageRoutes } from "./routes/usage";
import { approvalRoutes } from "./routes/approvals";
import { authRoutes } from "./routes/auth";
import { connectionRoutes } from "./routes/connections";
import { databaseRoutes } from "./routes/databases";
import { dataSourceRoutes } from "./routes/datasources";
import { governanceRoutes } from "./routes/governance";
import { jobRoutes } from "./routes/jobs";
import { pipelineRoutes } from "./routes/pipelines";
import { queryOutputRoutes, queryRoutes } from "./routes/queries";
import { savedQueryRoutes } from "./routes/saved-queries";
import { savedQueryExtraRoutes } from "./routes/saved-query-extras";
import { shareLinkRoutes } from "./routes/share-links";
import { schemaRoutes } from "./routes/schema";
import { systemRoutes } from "./routes/system";
import { scheduleRoutes } from "./routes/platform-schedules";
import { searchRoutes } from "./routes/platform-search";
import { settingsRoutes } from "./routes/platform-settings";
import { templateRoutes } from "./routes/platform-templates";
import { webhookRoutes } from "./routes/platform-webhooks";

/**
 * Every REST route Quarry answers under /api/v1. Features add their rows in
 * `routes/<domain>.ts` and list them here; `table.test.ts` checks this table against
 * ../shared/api/routes.tsv.
 */
export const restRoutes: RestRoute[] = [
  ...systemRoutes,
  ...authRoutes,
  ...dataSourceRoutes,
  ...databaseRoutes,
  ...connectionRoutes,
  ...schemaRoutes,
  ...queryRoutes,
  ...queryOutputRoutes,
  ...savedQueryRoutes,
  ...savedQueryExtraRoutes,
  ...shareLinkRoutes,
  ...approvalRoutes,
  ...governanceRoutes,
  ...jobRoutes,
  ...aiRoutes,
  ...chatRoutes,
  ...usageRoutes,
  ...analyticsRoutes,
  ...templateRoutes,
  ...settingsRoutes,
  ...webhookRoutes,
  ...scheduleRoutes,
  ...searchRoutes,
  ...pipelineRoutes,
];
