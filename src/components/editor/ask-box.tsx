"use client";
import { ActionIcon, Alert, Badge, Button, Group, Stack, Text, TextInput } from "@mantine/core";
import { IconSparkles, IconX } from "@tabler/icons-react";
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "@/lib/trpc";
import { AskMappings } from "@/components/dictionary/ask-mappings";
import { errorInfo } from "@/components/ui/feedback";

interface AskBoxProps {
  dataSourceId: string | null;
  /** Puts the generated SQL into the active tab; nothing runs until the person presses Run. */
  onSql: (sql: string) => void;
}

/**
 * The editor's "Ask" box: a question in plain language becomes SQL in the active tab
 * (asked with `run: false`, so the engine only translates), with how each phrase was
 * understood shown under it, so the person reviews the statement before running it.
 */
export function AskBox({ dataSourceId, onSql }: AskBoxProps) {
  const trpc = useTRPC();
  const [question, setQuestion] = useState("");
  const [shown, setShown] = useState(true);
  const translate = useMutation(
    trpc.ai.ask.mutationOptions({
      onSuccess: (answer) => {
        setShown(true);
        if (answer.sql) onSql(answer.sql);
      },
    }),
  );
  const answer = translate.data;
  const ask = () => {
    if (!question.trim() || !dataSourceId) return;
    translate.mutate({ question, dataSourceId, run: false });
  };

  return (
    <Stack gap={4} px="sm" pb={6} data-testid="editor-ask">
      <Group gap="xs" wrap="nowrap">
        <TextInput
          flex={1}
          size="xs"
          aria-label="Ask a question"
          data-testid="editor-ask-question"
          placeholder="Ask in plain language, e.g. How many orders per status? — the SQL goes into this tab for review"
          leftSection={<IconSparkles size={14} />}
          value={question}
          onChange={(e) => setQuestion(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter") {
              e.preventDefault();
              ask();
            }
          }}
        />
        <Button size="xs" variant="light" loading={translate.isPending} disabled={!question.trim() || !dataSourceId} onClick={ask} data-testid="editor-ask-button">
          Ask
        </Button>
      </Group>
      {shown && translate.error && (
        <Alert color="red" variant="light" p={6} data-testid="editor-ask-error" withCloseButton onClose={() => setShown(false)}>
          {errorInfo(translate.error).message}
        </Alert>
      )}
      {shown && answer?.status === "unanswered" && (
        <Alert color="yellow" variant="light" p={6} data-testid="editor-ask-unanswered" withCloseButton onClose={() => setShown(false)}>
          {answer.message ?? "The question could not be turned into SQL."}
          {answer.unmapped.length > 0 && (
            <Text size="xs" mt={2}>
              Not understood: {answer.unmapped.map((w) => `“${w}”`).join(", ")}. Give a table or column this word as an alias in the Dictionary.
            </Text>
          )}
        </Alert>
      )}
      {shown && answer?.sql && (
        <Group gap="xs" wrap="nowrap" align="center" data-testid="editor-ask-explanation">
          <Badge size="xs" variant="light" color="gray">
            {answer.engine === "builtin" ? "built-in engine" : answer.model}
          </Badge>
          <Text size="xs" c="dimmed">
            SQL placed in the editor — review it, then Run.
          </Text>
          <AskMappings mappings={answer.mappings} size="xs" />
          {answer.warnings.map((w) => (
            <Text key={w} size="xs" c="orange">
              {w}
            </Text>
          ))}
          <ActionIcon size="xs" variant="subtle" color="gray" aria-label="Hide" onClick={() => setShown(false)} ml="auto">
            <IconX size={12} />
          </ActionIcon>
        </Group>
      )}
    </Stack>
  );
}
