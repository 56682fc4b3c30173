import type { inferRouterOutputs } from "@trpc/server";
// Types only: nothing from the server reaches the browser bundle.
import type { AppRouter } from "@/server/routers/_app";

type Outputs = inferRouterOutputs<AppRouter>;

export type Approval = Outputs["approvals"]["get"];
export type ApprovalPreview = NonNullable<Approval["preview"]>;
export type ApprovalScope = "to_review" | "mine";

export interface ViewerInfo {
  id: string;
  role: "admin" | "developer" | "analyst" | "viewer";
}
