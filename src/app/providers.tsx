"use client";
import { MantineProvider } from "@mantine/core";
import { Notifications } from "@mantine/notifications";
import { SessionProvider } from "next-auth/react";
import type { ReactNode } from "react";
import { cssVariablesResolver, DEFAULT_COLOR_SCHEME, theme } from "@/components/theme";
import { TRPCReactProvider } from "@/lib/trpc";

export function Providers({ children }: { children: ReactNode }) {
  return (
    // The server resolves the session itself; polling next-auth on focus adds nothing.
    <SessionProvider refetchOnWindowFocus={false}>
      <TRPCReactProvider>
        <MantineProvider theme={theme} defaultColorScheme={DEFAULT_COLOR_SCHEME} cssVariablesResolver={cssVariablesResolver}>
          <Notifications position="top-right" />
          {children}
        </MantineProvider>
      </TRPCReactProvider>
    </SessionProvider>
  );
}
