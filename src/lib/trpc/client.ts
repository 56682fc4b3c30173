"use client";
import { createTRPCContext } from "@trpc/tanstack-react-query";
// A type-only import: the router and everything behind it stay on the server.
import type { AppRouter } from "@/server/routers/_app";

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();
