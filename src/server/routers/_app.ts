import "server-only";
import { createCallerFactory, createTRPCRouter } from "../trpc";
import { authRouter } from "./auth";
import { systemRouter } from "./system";

/** Every feature exists here first; the REST adapter and the UI both call it. */
export const appRouter = createTRPCRouter({
  auth: authRouter,
  system: systemRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
