"use client";
import { QueryClientProvider } from "@tanstack/react-query";
import { createTRPCClient, httpBatchLink, httpSubscriptionLink, splitLink } from "@trpc/client";
import { useState, type ReactNode } from "react";
import type { AppRouter } from "@/server/routers/_app";
import { TRPCProvider } from "./client";
import { getQueryClient } from "./query-client";

function trpcUrl(): string {
  // Queries only run in the browser, but the client is also built while rendering on
  // the server, where a relative URL would not parse.
  if (typeof window !== "undefined") return "/api/trpc";
  return `http://127.0.0.1:${process.env.PORT ?? 3000}/api/trpc`;
}

export function TRPCReactProvider({ children }: { children: ReactNode }) {
  const queryClient = getQueryClient();
  const [trpcClient] = useState(() =>
    createTRPCClient<AppRouter>({
      // The UI authenticates with next-auth's same-origin cookie, sent by default.
      // Subscriptions (notifications) stream over server-sent events; everything else batches.
      links: [
        splitLink({
          condition: (op) => op.type === "subscription",
          true: httpSubscriptionLink({ url: trpcUrl() }),
          false: httpBatchLink({ url: trpcUrl() }),
        }),
      ],
    }),
  );
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        {children}
      </TRPCProvider>
    </QueryClientProvider>
  );
}
