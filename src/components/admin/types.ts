import type { inferRouterOutputs } from "@trpc/server";
// Types only: nothing from the server reaches the browser bundle.
import type { AppRouter } from "@/server/routers/_app";

type Outputs = inferRouterOutputs<AppRouter>;

export type DataSource = Outputs["datasources"]["list"][number];
export type ManagedUser = Outputs["users"]["list"]["items"][number];
export type Group = Outputs["groups"]["list"]["items"][number];
export type Grant = Outputs["groups"]["permissions"][number];
export type AuditEntry = Outputs["audit"]["list"]["items"][number];
export type SystemStatus = Outputs["admin"]["systemStatus"];
export type AdminStats = Outputs["admin"]["stats"];
