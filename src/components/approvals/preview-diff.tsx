"use client";
import { Alert, Code, Group, SegmentedControl, Stack, Table, Text } from "@mantine/core";
import { IconInfoCircle, IconShieldLock } from "@tabler/icons-react";
import { useMemo, useState } from "react";
import { formatCell } from "@/components/ui/format";
import classes from "./preview-diff.module.css";
import type { ApprovalPreview } from "./types";

type Row = Record<string, unknown>;

/** The key a sample row is matched on: `id` when there is one, else the first column. */
function keyColumn(columns: string[]): string | undefined {
  return columns.find((c) => c.toLowerCase() === "id") ?? columns[0];
}

interface DiffRow {
  before: Row;
  after: Row | null;
  deleted: boolean;
}

function pairRows(preview: ApprovalPreview, operation: string): DiffRow[] {
  const before = preview.before ?? [];
  const after = preview.after;
  const deleted = operation.toUpperCase() === "DELETE" || (after !== null && after.length === 0 && before.length > 0);
  if (deleted) return before.map((row) => ({ before: row, after: null, deleted: true }));
  const key = keyColumn(preview.columns);
  const byKey = new Map<string, Row>();
  if (after && key) for (const row of after) byKey.set(formatCell(row[key]), row);
  return before.map((row, i) => ({
    before: row,
    after: after ? (key ? (byKey.get(formatCell(row[key])) ?? after[i] ?? null) : (after[i] ?? null)) : null,
    deleted: false,
  }));
}

function Value({ value }: { value: unknown }) {
  const text = formatCell(value);
  return value === null || value === undefined ? <span className={classes.null}>{text}</span> : <>{text}</>;
}

/** Sample rows before and after the statement, with the cells it changes marked. */
export function PreviewDiff({ preview, operation }: { preview: ApprovalPreview; operation: string }) {
  const rows = useMemo(() => pairRows(preview, operation), [preview, operation]);
  const changed = useMemo(() => {
    const set = new Set<string>();
    for (const r of rows) {
      if (!r.after) continue;
      for (const c of preview.columns) if (formatCell(r.before[c]) !== formatCell(r.after[c])) set.add(c);
    }
    return set;
  }, [rows, preview.columns]);
  const [mode, setMode] = useState<"changed" | "all">(preview.columns.length > 8 && changed.size > 0 ? "changed" : "all");

  if (!preview.before || preview.before.length === 0) {
    return (
      <Alert variant="light" color="gray" icon={<IconInfoCircle size={18} />} data-testid="preview-note">
        {preview.note ?? "The dry run matched no rows, so there is nothing to sample."}
      </Alert>
    );
  }

  const key = keyColumn(preview.columns);
  const columns =
    mode === "changed" ? preview.columns.filter((c) => changed.has(c) || c === key) : preview.columns;
  const noAfterImage = !rows.some((r) => r.deleted) && preview.after === null;

  return (
    <Stack gap="xs">
      <Group justify="space-between" wrap="nowrap">
        <Text size="xs" c="dimmed">
          {rows.length} sample row{rows.length === 1 ? "" : "s"}
          {changed.size > 0 && ` · ${changed.size} changed column${changed.size === 1 ? "" : "s"}: ${[...changed].join(", ")}`}
          {rows.some((r) => r.deleted) && " · these rows will be deleted"}
        </Text>
        {changed.size > 0 && preview.columns.length > changed.size + 1 && (
          <SegmentedControl
            size="xs"
            value={mode}
            onChange={(v) => setMode(v as "changed" | "all")}
            data={[
              { value: "changed", label: "Changed" },
              { value: "all", label: "All columns" },
            ]}
          />
        )}
      </Group>
      <Table.ScrollContainer minWidth={400} maxHeight={360}>
        <Table withTableBorder withColumnBorders verticalSpacing={6} horizontalSpacing="sm" fz="xs" data-testid="preview-table" stickyHeader>
          <Table.Thead>
            <Table.Tr>
              {columns.map((c) => (
                <Table.Th key={c} className={changed.has(c) ? classes.changedHead : undefined} style={{ whiteSpace: "nowrap" }}>
                  {c}
                </Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((r, i) => (
              <Table.Tr key={i} className={r.deleted ? classes.deleted : undefined}>
                {columns.map((c) => {
                  const isChanged = r.after !== null && changed.has(c) && formatCell(r.before[c]) !== formatCell(r.after[c]);
                  return (
                    <Table.Td key={c} className={classes.cell} data-changed={isChanged || undefined} data-column={c}>
                      {isChanged ? (
                        <>
                          <span className={classes.old} data-testid="preview-before">
                            <Value value={r.before[c]} />
                          </span>
                          <span className={classes.new} data-testid="preview-after">
                            <Value value={r.after![c]} />
                          </span>
                        </>
                      ) : (
                        <Value value={r.before[c]} />
                      )}
                    </Table.Td>
                  );
                })}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {noAfterImage && (
        <Text size="xs" c="dimmed">
          These are the rows before the change; the table has no single-column primary key to show them after it.
        </Text>
      )}
    </Stack>
  );
}

/**
 * Shown instead of a dry run for statements a rollback would not fully undo: why it is
 * never previewed, and the planner's EXPLAIN (planning only) when it was safe to ask.
 */
export function PreviewUnavailable({ reason, plan }: { reason: string; plan: string | null }) {
  return (
    <Stack gap="xs" data-testid="preview-unavailable">
      <Alert variant="light" color="orange" icon={<IconShieldLock size={18} />} title="This statement is never dry-run">
        <Text size="sm">Quarry cannot preview it because {reason}.</Text>
        <Text size="sm" mt={4}>
          Nothing runs before the commit: review the statement, the risk reasons and the plan below before approving.
        </Text>
      </Alert>
      {plan ? (
        <Stack gap={4}>
          <Text size="xs" c="dimmed" fw={500}>
            The engine&apos;s EXPLAIN (planned, not executed)
          </Text>
          <Code block data-testid="explain-plan" style={{ maxHeight: 280, overflow: "auto", whiteSpace: "pre" }}>
            {plan}
          </Code>
        </Stack>
      ) : (
        <Text size="xs" c="dimmed">
          No plan is shown: asking the planner could itself run code this statement calls.
        </Text>
      )}
    </Stack>
  );
}
