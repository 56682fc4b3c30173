import "server-only";
import { createCallerFactory, createTRPCRouter } from "../trpc";
import { adminRouter } from "./admin";
import { aiRouter } from "./ai";
import { approvalsRouter } from "./approvals";
import { chatRouter } from "./chat";
import { auditRouter } from "./audit";
import { authRouter } from "./auth";
import { datasourcesRouter } from "./datasources";
import { dictionaryRouter } from "./dictionary";
import { groupsRouter } from "./groups";
import { jobsRouter } from "./jobs";
import { notificationsRouter } from "./notifications";
import { pipelinesRouter } from "./pipelines";
import { queriesRouter } from "./queries";
import { savedQueriesRouter } from "./saved-queries";
import { sharesRouter } from "./shares";
import { systemRouter } from "./system";
import { schedulesRouter } from "./schedules";
import { searchRouter } from "./search";
import { settingsRouter } from "./settings";
import { templatesRouter } from "./templates";
import { webhooksRouter } from "./webhooks";
import { usageRouter } from "./usage";
import { usersRouter } from "./users";

/** Every feature exists here first; the REST adapter and the UI both call it. */
export const appRouter = createTRPCRouter({
  auth: authRouter,
  system: systemRouter,
  datasources: datasourcesRouter,
  queries: queriesRouter,
  savedQueries: savedQueriesRouter,
  shares: sharesRouter,
  approvals: approvalsRouter,
  users: usersRouter,
  groups: groupsRouter,
  admin: adminRouter,
  audit: auditRouter,
  jobs: jobsRouter,
  dictionary: dictionaryRouter,
  ai: aiRouter,
  chat: chatRouter,
  usage: usageRouter,
  templates: templatesRouter,
  settings: settingsRouter,
  webhooks: webhooksRouter,
  schedules: schedulesRouter,
  search: searchRouter,
  notifications: notificationsRouter,
  pipelines: pipelinesRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
