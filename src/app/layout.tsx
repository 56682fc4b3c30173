import "@mantine/core/styles.css";
import "@mantine/notifications/styles.css";
import { ColorSchemeScript, mantineHtmlProps } from "@mantine/core";
import type { Metadata, Viewport } from "next";
import type { ReactNode } from "react";
import { DEFAULT_COLOR_SCHEME } from "@/components/theme";
import { Providers } from "./providers";

export const metadata: Metadata = {
  title: { default: "Quarry", template: "%s · Quarry" },
  description: "A self-hosted data workbench: SQL, plain-language questions, approvals and pipelines.",
};

export const viewport: Viewport = { width: "device-width", initialScale: 1 };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    // The colour scheme script sets an attribute on <html> before React hydrates.
    <html lang="en" {...mantineHtmlProps} suppressHydrationWarning>
      <head>
        <ColorSchemeScript defaultColorScheme={DEFAULT_COLOR_SCHEME} />
      </head>
      <body>
        <Providers>{children}</Providers>
      </body>
    </html>
  );
}
