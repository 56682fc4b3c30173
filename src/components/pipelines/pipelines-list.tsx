"use client";
import { Badge, Button, Group, Stack, Table, Text, TextInput, Title } from "@mantine/core";
import { IconPlus, IconTopologyStar3 } from "@tabler/icons-react";
import { useMutation, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { useTRPC } from "@/lib/trpc";
import { errorInfo } from "@/components/ui/feedback";
import { FormModal } from "@/components/ui/form-modal";

const STATUS_COLOR: Record<string, string> = { draft: "gray", active: "teal", paused: "orange", archived: "dark", success: "teal", failed: "red", running: "blue", pending: "gray", cancelled: "gray" };

/** The caller's pipelines, with their last run; a new one opens on the canvas. */
export function PipelinesList() {
  const trpc = useTRPC();
  const router = useRouter();
  const list = useQuery(trpc.pipelines.list.queryOptions({ page: 1, pageSize: 100 }));
  const [creating, setCreating] = useState(false);
  const [name, setName] = useState("");
  const create = useMutation(trpc.pipelines.create.mutationOptions({ onSuccess: (p) => router.push(`/pipelines/${p.id}`) }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate({ name: name.trim(), config: { nodes: [], edges: [] } });
  };
  return (
    <Stack>
      <Group justify="space-between">
        <Group gap="xs">
          <IconTopologyStar3 size={22} stroke={1.7} />
          <Title order={1} fz={26}>Pipelines</Title>
        </Group>
        <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)}>
          New pipeline
        </Button>
      </Group>
      {list.data?.pipelines.length === 0 && <Text c="dimmed">No pipelines yet: create one and build it on the canvas.</Text>}
      {(list.data?.pipelines.length ?? 0) > 0 && (
        <Table striped highlightOnHover data-testid="pipelines-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th>Version</Table.Th>
              <Table.Th>Schedule</Table.Th>
              <Table.Th>Last run</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {list.data!.pipelines.map((p) => (
              <Table.Tr key={p.id}>
                <Table.Td>
                  <Link href={`/pipelines/${p.id}`}>{p.name}</Link>
                </Table.Td>
                <Table.Td>
                  <Badge color={STATUS_COLOR[p.status]}>{p.status}</Badge>
                </Table.Td>
                <Table.Td>{p.version_number}</Table.Td>
                <Table.Td>{p.schedule ?? "—"}</Table.Td>
                <Table.Td>{p.last_execution ? <Badge color={STATUS_COLOR[p.last_execution.status]}>{`${p.last_execution.status} · ${p.last_execution.rows_processed} rows`}</Badge> : "—"}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <FormModal opened={creating} title="New pipeline" onClose={() => setCreating(false)} onSubmit={submit} submitLabel="Create" busy={create.isPending} error={create.error ? errorInfo(create.error).message : undefined}>
        <TextInput label="Name" required value={name} onChange={(e) => setName(e.currentTarget.value)} data-autofocus />
      </FormModal>
    </Stack>
  );
}
