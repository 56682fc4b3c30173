"use client";
import { Alert, Button, Modal, ScrollArea, Table, Text } from "@mantine/core";
import { IconEye } from "@tabler/icons-react";
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "@/lib/trpc";
import { errorInfo } from "@/components/ui/feedback";

const LIMIT = 50;

const cell = (value: unknown) => (value === null || value === undefined ? "∅" : typeof value === "object" ? JSON.stringify(value) : String(value));

/** The first rows out of the selected node, from the graph as it is on the canvas (unsaved changes included). */
export function NodePreviewButton({ nodeId, label, getConfig, params }: { nodeId: string; label: string; getConfig: () => unknown; params?: Record<string, unknown> }) {
  const trpc = useTRPC();
  const [opened, setOpened] = useState(false);
  const preview = useMutation(trpc.pipelines.preview.mutationOptions());
  const open = () => {
    setOpened(true);
    preview.mutate({ config: getConfig(), node_id: nodeId, params, limit: LIMIT });
  };
  const data = preview.data;
  return (
    <>
      <Button size="xs" variant="light" leftSection={<IconEye size={14} />} onClick={open}>
        Preview rows
      </Button>
      <Modal opened={opened} onClose={() => setOpened(false)} title={`Rows out of ${label}`} size="xl">
        {preview.isPending && <Text c="dimmed">Running the nodes up to {label}…</Text>}
        {preview.isError && (
          <Alert color="red" variant="light" title="No preview">
            {errorInfo(preview.error).message}
          </Alert>
        )}
        {data && (
          <>
            <Text size="sm" c="dimmed" mb="xs" data-testid="node-preview-summary">
              {data.rows.length} row{data.rows.length === 1 ? "" : "s"}
              {data.truncated ? ` (the first ${LIMIT}; more would follow)` : ""} in {data.duration_ms} ms
            </Text>
            <ScrollArea h={420} type="auto">
              <Table striped withTableBorder stickyHeader fz="xs" data-testid="node-preview">
                <Table.Thead>
                  <Table.Tr>
                    {data.columns.map((c) => (
                      <Table.Th key={c.name}>{c.name}</Table.Th>
                    ))}
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {data.rows.map((row, i) => (
                    <Table.Tr key={i}>
                      {data.columns.map((c) => (
                        <Table.Td key={c.name}>{cell(row[c.name])}</Table.Td>
                      ))}
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </ScrollArea>
          </>
        )}
      </Modal>
    </>
  );
}
