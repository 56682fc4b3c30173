import type { inferRouterOutputs } from "@trpc/server";
// Type-only: nothing of the server reaches the browser bundle.
import type { AppRouter } from "@/server/routers/_app";

type Out = inferRouterOutputs<AppRouter>;
export type ChatSessionItem = Out["chat"]["sessions"]["items"][number];
export type ChatMessageItem = Out["chat"]["session"]["messages"][number];
export type ChatEvent = Out["chat"]["send"] extends AsyncIterable<infer E> ? E : never;

/** An answer as the conversation shows it: from the stored message, or still streaming. */
export interface AnswerView {
  status: "streaming" | string;
  engine: string | null;
  model: string | null;
  content: string;
  sql: string | null;
  result: ChatMessageItem["result"];
  chart: string | null;
  approvalId: string | null;
  error: string | null;
  tokens: { prompt: number; completion: number } | null;
  /** Live only: the model's text as it streams, which steps are done, what the follow-up changed. */
  streamed?: string;
  steps?: { understanding: boolean; sql: boolean; rows: boolean; chart: boolean };
  failedStep?: string | null;
  changes?: string[];
  understoodAs?: string | null;
  dataSourceId?: string | null;
}

export const answerOf = (m: ChatMessageItem): AnswerView => ({
  status: m.status,
  engine: m.engine,
  model: m.model,
  content: m.content,
  sql: m.sql,
  result: m.result,
  chart: m.chart,
  approvalId: m.approvalId,
  error: m.error,
  tokens: m.engine === "provider" ? { prompt: m.promptTokens ?? 0, completion: m.completionTokens ?? 0 } : null,
  dataSourceId: m.dataSourceId,
});
