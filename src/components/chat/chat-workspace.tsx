"use client";
import { ActionIcon, Badge, Box, Group, Paper, ScrollArea, Stack, Text, Textarea, Title, Tooltip } from "@mantine/core";
import { IconMessageChatbot, IconSend } from "@tabler/icons-react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useRef, useState } from "react";
import { useTRPC } from "@/lib/trpc";
import { SourcePicker } from "@/components/dictionary/source-picker";
import { notifyError } from "@/components/ui/feedback";
import { AnswerCard } from "./answer-card";
import { SessionList } from "./session-list";
import { answerOf } from "./types";
import { useChatTurn } from "./use-chat-turn";

function UserBubble({ text }: { text: string }) {
  return (
    <Group justify="flex-end">
      <Paper p="xs" px="sm" radius="md" bg="var(--mantine-primary-color-light)" maw="75%" data-testid="chat-user-message">
        <Text size="sm" style={{ whiteSpace: "pre-wrap" }}>{text}</Text>
      </Paper>
    </Group>
  );
}

/**
 * The chat page: sessions on the left, the conversation on the right, answers
 * streaming in step by step. Follow-ups ("only 2024", "top 3 instead", "as a chart")
 * refine the previous answer.
 */
export function ChatWorkspace() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [active, setActive] = useState<string | null>(null);
  const [source, setSource] = useState<string | null>(null);
  const [text, setText] = useState("");
  const bottom = useRef<HTMLDivElement>(null);
  const session = useQuery(trpc.chat.session.queryOptions({ id: active ?? "" }, { enabled: !!active }));
  const status = useQuery(trpc.chat.status.queryOptions(undefined, { staleTime: 60_000 }));
  const scroll = useCallback(() => void requestAnimationFrame(() => bottom.current?.scrollIntoView({ behavior: "smooth", block: "end" })), []);
  const turn = useChatTurn(scroll);
  const create = useMutation(trpc.chat.createSession.mutationOptions({
    onSuccess: (s) => {
      setActive(s.id);
      void queryClient.invalidateQueries({ queryKey: trpc.chat.sessions.pathKey() });
    },
    onError: (e) => notifyError("Could not start a chat", e),
  }));

  useEffect(() => {
    if (session.data?.dataSourceId) setSource(session.data.dataSourceId);
  }, [session.data?.dataSourceId]);
  useEffect(() => void scroll(), [session.data?.messages.length, turn.live?.steps, scroll]);

  async function send() {
    const content = text.trim();
    if (!content || turn.busy) return;
    let id = active;
    if (!id) {
      const s = await create.mutateAsync({ dataSourceId: source ?? undefined, title: content.slice(0, 80) }).catch(() => null);
      if (!s) return;
      id = s.id;
    }
    setText("");
    turn.ask(id, content, source ?? undefined);
  }

  const messages = session.data?.messages ?? [];
  const modelReady = status.data?.engines.find((e) => e.name === "provider")?.available;

  return (
    <Group align="stretch" gap="md" wrap="nowrap" p="md" h="calc(100dvh - var(--app-shell-header-height, 56px) - 3rem)" style={{ overflow: "hidden" }}>
      <Box w={260} style={{ flexShrink: 0 }}>
        <SessionList active={active} onSelect={(id) => (turn.dismiss(), setActive(id))} onCreate={() => create.mutate({ dataSourceId: source ?? undefined })} creating={create.isPending} />
      </Box>
      <Stack style={{ flex: 1, minWidth: 0 }} gap="sm">
        <Group justify="space-between">
          <Group gap="xs">
            <IconMessageChatbot size={22} stroke={1.7} />
            <Title order={1} fz={22} data-testid="chat-title">{session.data?.title ?? "Chat"}</Title>
          </Group>
          <Group gap="xs">
            <Tooltip label={status.data?.engines.find((e) => e.name === "provider")?.detail ?? ""}>
              <Badge variant="dot" color={modelReady ? "grape" : "blue"} data-testid="chat-engine">{modelReady ? "built-in + model" : "built-in engine"}</Badge>
            </Tooltip>
            <SourcePicker value={source} onChange={setSource} />
          </Group>
        </Group>
        <ScrollArea style={{ flex: 1 }} offsetScrollbars data-testid="chat-conversation">
          <Stack gap="sm" pb="sm">
            {messages.length === 0 && !turn.live && (
              <Text c="dimmed" size="sm" p="md">
                Ask about your data, e.g. “total revenue by month”, then refine it: “only 2024”, “break it down by region”, “top 3 instead”, “as a chart”.
              </Text>
            )}
            {messages.map((m) => (m.role === "user" ? <UserBubble key={m.id} text={m.content} /> : m.role === "assistant" ? <AnswerCard key={m.id} a={answerOf(m)} /> : (
              <Text key={m.id} size="xs" c="dimmed">{m.content}</Text>
            )))}
            {turn.question && <UserBubble text={turn.question} />}
            {turn.live && <AnswerCard a={{ ...turn.live, dataSourceId: source }} />}
            <div ref={bottom} />
          </Stack>
        </ScrollArea>
        <Group align="flex-end" gap="xs" wrap="nowrap">
          <Textarea
            aria-label="Message"
            data-testid="chat-input"
            placeholder="Ask a question, or refine the last answer…"
            autosize
            minRows={1}
            maxRows={6}
            style={{ flex: 1 }}
            value={text}
            maxLength={2000}
            onChange={(e) => setText(e.currentTarget.value)}
            onKeyDown={(e) => {
              if (e.key === "Enter" && !e.shiftKey) {
                e.preventDefault();
                void send();
              }
            }}
          />
          <ActionIcon size="lg" variant="filled" aria-label="Send" onClick={() => void send()} loading={turn.busy} disabled={!text.trim()} data-testid="chat-send">
            <IconSend size={18} />
          </ActionIcon>
        </Group>
      </Stack>
    </Group>
  );
}
