import type { inferRouterOutputs } from "@trpc/server";
// Type-only: nothing of the server reaches the browser bundle.
import type { AppRouter } from "@/server/routers/_app";
import type { ResultColumn, ResultRow } from "@/components/results/types";

export type { ResultColumn, ResultRow };

type Outputs = inferRouterOutputs<AppRouter>;

export type DataSource = Outputs["datasources"]["list"][number];
export type SchemaTable = Outputs["datasources"]["schema"]["schema"]["tables"][number];
export type SchemaColumn = SchemaTable["columns"][number];
export type QueryRun = Outputs["queries"]["get"];
export type SavedQuery = Outputs["savedQueries"]["list"]["items"][number];
export type SavedQueryVersion = Outputs["savedQueries"]["versions"][number];
export type SavedQueryDiffData = Outputs["savedQueries"]["diff"];
export type SavedQueryFolder = Outputs["savedQueries"]["folders"]["list"][number];
export type ShareLinkItem = Outputs["shares"]["list"]["items"][number];
export type ChartSettings = NonNullable<SavedQuery["chart"]>;
export type Approval = Extract<Outputs["queries"]["execute"], { type: "approval" }>["approval"];
export type Engine = DataSource["engine"];

/** A finished query's rows as the grid and chart see them. */
export interface QueryResult {
  queryId: string;
  columns: ResultColumn[];
  rows: ResultRow[];
  rowCount: number;
  truncated: boolean;
  /** "rows" or "bytes": which server cap cut the result short. */
  truncatedReason?: string | null;
  /** The rows shown are the first page history kept, not the whole result. */
  storedPartial?: boolean;
  executionTimeMs: number | null;
  warnings: string[];
}
