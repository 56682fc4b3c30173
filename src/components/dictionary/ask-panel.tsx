"use client";
import { Alert, Badge, Button, Code, Group, Paper, ScrollArea, Stack, Table, Text, Textarea, Title } from "@mantine/core";
import { IconPlayerPlay, IconSparkles } from "@tabler/icons-react";
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "@/lib/trpc";
import { errorInfo } from "@/components/ui/feedback";
import { AskMappings } from "./ask-mappings";
import { SourcePicker } from "./source-picker";

/**
 * Ask a question: the SQL comes back for review first (with how each phrase was
 * understood), and runs only when the person presses Run, through the same checks as
 * typed SQL.
 */
export function AskPanel() {
  const trpc = useTRPC();
  const [source, setSource] = useState<string | null>(null);
  const [question, setQuestion] = useState("");
  const [sql, setSql] = useState("");
  const translate = useMutation(trpc.ai.ask.mutationOptions({ onSuccess: (a) => setSql(a.sql ?? "") }));
  const run = useMutation(trpc.queries.execute.mutationOptions());
  const answer = translate.data;
  const result = run.data?.type === "result" ? run.data.result : undefined;

  return (
    <Stack gap="md" p="md" maw={1100}>
      <Group justify="space-between">
        <Title order={1} fz="h3">Ask your data</Title>
        <SourcePicker value={source} onChange={setSource} />
      </Group>
      <Textarea aria-label="Question" data-testid="ask-question" placeholder="e.g. Top 5 customers by total sales in 2024" autosize minRows={2} value={question} onChange={(e) => setQuestion(e.currentTarget.value)}
        onKeyDown={(e) => { if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); translate.mutate({ question, dataSourceId: source ?? undefined, run: false }); } }} />
      <Group>
        <Button leftSection={<IconSparkles size={16} />} loading={translate.isPending} disabled={!question.trim()} onClick={() => { run.reset(); translate.mutate({ question, dataSourceId: source ?? undefined, run: false }); }} data-testid="ask-button">Ask</Button>
        {answer && <Badge variant="light">{answer.engine === "builtin" ? "built-in engine" : answer.model}</Badge>}
      </Group>
      {translate.error && <Alert color="red">{errorInfo(translate.error).message}</Alert>}
      {answer?.status === "unanswered" && <Alert color="yellow" data-testid="ask-unanswered">{answer.message}</Alert>}
      {answer?.sql && (
        <Paper withBorder p="sm">
          <Text size="xs" c="dimmed" mb={4}>Review the SQL before it runs</Text>
          <Textarea aria-label="Generated SQL" data-testid="ask-sql" value={sql} onChange={(e) => setSql(e.currentTarget.value)} autosize minRows={3} styles={{ input: { fontFamily: "monospace" } }} />
          <Stack mt="xs"><AskMappings mappings={answer.mappings} /></Stack>
          <Group mt="sm">
            <Button size="xs" leftSection={<IconPlayerPlay size={14} />} loading={run.isPending} onClick={() => run.mutate({ sql, dataSourceId: answer.dataSourceId, source: "ai" })} data-testid="ask-run">Run</Button>
          </Group>
        </Paper>
      )}
      {run.error && <Alert color="red">{errorInfo(run.error).message}</Alert>}
      {run.data && !result && <Alert color="blue">The statement was sent for approval.</Alert>}
      {result && (
        <ScrollArea h={360}>
          <Table striped withTableBorder data-testid="ask-result">
            <Table.Thead><Table.Tr>{result.columns.map((c) => <Table.Th key={c.name}>{c.name}</Table.Th>)}</Table.Tr></Table.Thead>
            <Table.Tbody>
              {result.rows.slice(0, 200).map((r, i) => (
                <Table.Tr key={i}>{result.columns.map((c) => <Table.Td key={c.name}><Code>{String(r[c.name] ?? "NULL")}</Code></Table.Td>)}</Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollArea>
      )}
    </Stack>
  );
}
