"use client";
import { Alert, Center, Drawer, Group, Loader, Text } from "@mantine/core";
import { IconAlertCircle } from "@tabler/icons-react";
import { useMutation } from "@tanstack/react-query";
import { useEffect } from "react";
import { useTRPC } from "@/lib/trpc";
import { ResultsGrid } from "@/components/results/results-grid";
import { errorInfo } from "@/components/ui/feedback";
import { qualifiedName } from "../monaco/sql-identifiers";
import type { Engine, SchemaTable } from "../types";

export const PREVIEW_ROWS = 50;

/** The statement a preview runs: the first rows, nothing else. */
export const previewSql = (table: Pick<SchemaTable, "schema" | "name">, engine: Engine | undefined) =>
  `SELECT * FROM ${qualifiedName(table, engine)} LIMIT ${PREVIEW_ROWS}`;

interface TablePreviewProps {
  dataSourceId: string | null;
  engine: Engine | undefined;
  /** The table to preview; null closes the drawer. */
  table: SchemaTable | null;
  onClose: () => void;
}

/**
 * The first rows of a table in a drawer, run like any read (the user's permissions, the
 * read policy and masking apply; the run shows in history as a preview), without
 * touching the editor's tabs or results.
 */
export function TablePreview({ dataSourceId, engine, table, onClose }: TablePreviewProps) {
  const trpc = useTRPC();
  const run = useMutation(trpc.queries.execute.mutationOptions());
  const { mutate, reset } = run;
  const sql = table ? previewSql(table, engine) : null;

  useEffect(() => {
    if (!sql || !dataSourceId) return;
    reset();
    mutate({ dataSourceId, sql, maxRows: PREVIEW_ROWS, source: "preview", wait: true });
  }, [sql, dataSourceId, mutate, reset]);

  const result = run.data?.type === "result" ? run.data.result : null;
  return (
    <Drawer
      opened={table !== null}
      onClose={onClose}
      position="right"
      size="xl"
      title={table ? `Preview: ${table.name}` : "Preview"}
      styles={{ body: { height: "calc(100% - 60px)", display: "flex", flexDirection: "column", gap: 8 } }}
    >
      <Text size="xs" c="dimmed" ff="monospace">
        {sql}
      </Text>
      <div style={{ flex: 1, minHeight: 0, display: "flex", flexDirection: "column" }} data-testid="table-preview">
        {run.isPending && (
          <Center h={120}>
            <Loader size="sm" type="dots" role="status" aria-label="Loading the preview" />
          </Center>
        )}
        {run.isError && (
          <Alert color="red" variant="light" icon={<IconAlertCircle size={16} />} title="Preview unavailable">
            {errorInfo(run.error).message}
          </Alert>
        )}
        {run.data && run.data.type !== "result" && (
          <Alert color="yellow" variant="light" icon={<IconAlertCircle size={16} />} title="No rows to show">
            The preview did not answer rows.
          </Alert>
        )}
        {result && (
          <>
            <div style={{ flex: 1, minHeight: 0 }}>
              <ResultsGrid columns={result.columns} rows={result.rows} label={`First rows of ${table?.name ?? "the table"}`} partial={result.truncated} />
            </div>
            <Group>
              <Text size="xs" c="dimmed" data-testid="table-preview-count">
                {result.rows.length === 1 ? "1 row" : `${result.rows.length.toLocaleString()} rows`}
                {result.rows.length >= PREVIEW_ROWS ? ` (the first ${PREVIEW_ROWS})` : ""}
              </Text>
            </Group>
          </>
        )}
      </div>
    </Drawer>
  );
}
