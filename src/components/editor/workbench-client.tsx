"use client";
import dynamic from "next/dynamic";
import { WorkbenchSkeleton } from "./workbench-skeleton";

// The workbench lives in the browser (Monaco, localStorage tabs and layout), so it is
// not rendered on the server: no hydration mismatch, and the page shell paints at once.
const Workbench = dynamic(() => import("./workbench").then((m) => m.Workbench), {
  ssr: false,
  loading: () => <WorkbenchSkeleton />,
});

export function WorkbenchClient({ userEmail }: { userEmail: string }) {
  return <Workbench userEmail={userEmail} />;
}
