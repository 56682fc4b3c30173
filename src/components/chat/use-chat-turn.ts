"use client";
import { skipToken, useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { useCallback, useState } from "react";
import { useTRPC } from "@/lib/trpc";
import type { AnswerView, ChatEvent } from "./types";

interface TurnInput {
  sessionId: string;
  content: string;
  dataSourceId?: string;
  /** Makes two identical questions in a row two turns. */
  nonce: number;
}

const EMPTY: AnswerView = { status: "streaming", engine: null, model: null, content: "", sql: null, result: null, chart: null, approvalId: null, error: null, tokens: null, streamed: "", steps: { understanding: false, sql: false, rows: false, chart: false }, failedStep: null, changes: [] };

/**
 * One question asked over server-sent events: the answer builds up step by step
 * (understanding → tokens → SQL → rows → chart) and, once done, the stored
 * conversation is refetched and the live answer cleared.
 */
export function useChatTurn(onDone: () => void) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [input, setInput] = useState<TurnInput | null>(null);
  const [question, setQuestion] = useState<string | null>(null);
  const [live, setLive] = useState<AnswerView | null>(null);

  const finish = useCallback(async () => {
    await queryClient.invalidateQueries({ queryKey: trpc.chat.pathKey() });
    await queryClient.invalidateQueries({ queryKey: trpc.usage.pathKey() });
    setInput(null);
    setQuestion(null);
    setLive(null);
    onDone();
  }, [queryClient, trpc, onDone]);

  useSubscription(
    trpc.chat.send.subscriptionOptions(input ? { sessionId: input.sessionId, content: input.content, dataSourceId: input.dataSourceId } : skipToken, {
      onData: (e: ChatEvent) => {
        setLive((a) => reduce(a ?? EMPTY, e));
        if (e.type === "done") void finish();
      },
      onError: (error) => {
        setLive((a) => ({ ...(a ?? EMPTY), status: "failed", error: a?.error ?? error.message, failedStep: a?.failedStep ?? "understanding" }));
        setInput(null);
        // the question was stored before the failure: the refetched conversation shows it
        void queryClient.invalidateQueries({ queryKey: trpc.chat.pathKey() }).then(() => setQuestion(null));
      },
    }),
  );

  const ask = useCallback((sessionId: string, content: string, dataSourceId?: string) => {
    setQuestion(content);
    setLive(EMPTY);
    setInput({ sessionId, content, dataSourceId, nonce: Date.now() });
  }, []);

  const dismiss = useCallback(() => {
    setLive(null);
    setQuestion(null);
  }, []);

  return { ask, live, question, busy: input !== null, dismiss };
}

function reduce(a: AnswerView, e: ChatEvent): AnswerView {
  const steps = { ...a.steps! };
  switch (e.type) {
    case "understanding":
      return { ...a, engine: e.engine, model: e.model, changes: e.changes, understoodAs: e.followUp ? e.question : null, steps: { ...steps, understanding: true } };
    case "token":
      return { ...a, streamed: (a.streamed ?? "") + e.text };
    case "sql":
      return { ...a, sql: e.sql, steps: { ...steps, sql: true } };
    case "rows":
      return { ...a, result: e.result, steps: { ...steps, rows: true } };
    case "approval":
      return { ...a, approvalId: e.approvalId, content: e.message, status: "pending_approval", steps: { ...steps, rows: true } };
    case "chart":
      return { ...a, chart: e.chart, steps: { ...steps, chart: true } };
    case "error":
      return { ...a, status: "failed", error: e.message, failedStep: e.step };
    case "done":
      return { ...a, status: e.message.status, content: e.message.content, tokens: e.message.engine === "provider" ? e.tokens : null };
    default:
      return a;
  }
}
