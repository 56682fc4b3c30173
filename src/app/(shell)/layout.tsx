import type { ReactNode } from "react";
import { AppFrame } from "@/components/shell/app-frame";
import { currentSession } from "../_lib/session";

/**
 * The signed-in frame. The guard itself lives in each page (`requireSession(path)`):
 * Next renders a layout and its page in parallel and serialises the page's output
 * even when the layout bails out, a layout is not re-run on client navigation, and it
 * cannot see the URL to send the visitor back to. So without a session this layout
 * only declines to draw the shell (and the user's details) and lets the page's
 * redirect to /login?callbackUrl=... go through.
 */
export default async function ShellLayout({ children }: { children: ReactNode }) {
  const session = await currentSession();
  if (!session) return children;
  const { user } = session;
  return (
    <AppFrame user={{ name: user.fullName || user.username, email: user.email, role: user.role }}>
      {children}
    </AppFrame>
  );
}
