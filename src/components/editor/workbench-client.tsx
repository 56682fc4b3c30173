"use client";
import dynamic from "next/dynamic";
import { WorkbenchSkeleton } from "./workbench-skeleton";

// The workbench lives in the browser (Monaco, localStorage tabs and layout), so it is
// not rendered on the server: no hydration mismatch, and the page shell paints at once.
const Workbench = dynamic(() => import("./workbench").then((m) => m.Workbench), {
  ssr: false,
  loading: () => <WorkbenchSkeleton />,
});

export function WorkbenchClient({ userId, userEmail }: { userId: string; userEmail: string }) {
  return <Workbench userId={userId} userEmail={userEmail} />;
}
