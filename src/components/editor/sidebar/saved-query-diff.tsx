"use client";
import { Alert, Badge, Group, ScrollArea, SegmentedControl, Skeleton, Text } from "@mantine/core";
import { IconAlertCircle } from "@tabler/icons-react";
import { useQuery } from "@tanstack/react-query";
import { Fragment, useState } from "react";
import { useTRPC } from "@/lib/trpc";
import { errorInfo } from "@/components/ui/feedback";
import type { SavedQueryDiffData as Diff } from "../types";
import classes from "./saved-query-diff.module.css";

type Hunk = Diff["hunks"][number];
type Line = Hunk["lines"][number];

const FIELD_LABELS: Record<string, string> = { title: "title", description: "description", tags: "tags", dataSourceId: "data source", chart: "chart" };

/** Pairs a hunk's removed and added lines row by row, for the side-by-side view. */
function sideBySide(lines: Line[]): { left: Line | null; right: Line | null }[] {
  const rows: { left: Line | null; right: Line | null }[] = [];
  let removed: Line[] = [];
  let added: Line[] = [];
  const flush = () => {
    for (let i = 0; i < Math.max(removed.length, added.length); i++) rows.push({ left: removed[i] ?? null, right: added[i] ?? null });
    removed = [];
    added = [];
  };
  for (const line of lines) {
    if (line.kind === "remove") removed.push(line);
    else if (line.kind === "add") added.push(line);
    else {
      flush();
      rows.push({ left: line, right: line });
    }
  }
  flush();
  return rows;
}

const kindClass = (line: Line | null) => (!line ? classes.empty : line.kind === "add" ? classes.add : line.kind === "remove" ? classes.remove : undefined);
const markOf = (line: Line) => (line.kind === "add" ? "+" : line.kind === "remove" ? "−" : " ");

function HunkHeader({ hunk, colSpan }: { hunk: Hunk; colSpan: number }) {
  return (
    <tr className={classes.gap}>
      <td colSpan={colSpan}>
        @@ −{hunk.oldStart},{hunk.oldLines} +{hunk.newStart},{hunk.newLines} @@
      </td>
    </tr>
  );
}

function Unified({ hunks }: { hunks: Hunk[] }) {
  return (
    <table className={classes.diff} data-testid="version-diff-unified">
      <colgroup>
        <col className={classes.numCol} />
        <col className={classes.numCol} />
        <col className={classes.markCol} />
        <col />
      </colgroup>
      <tbody>
        {hunks.map((h, i) => (
          <Fragment key={i}>
            <HunkHeader hunk={h} colSpan={4} />
            {h.lines.map((l, j) => (
              <tr key={j} className={kindClass(l)} data-kind={l.kind}>
                <td className={classes.num}>{l.oldLine ?? ""}</td>
                <td className={classes.num}>{l.newLine ?? ""}</td>
                <td className={classes.mark} aria-label={l.kind === "context" ? undefined : l.kind === "add" ? "added" : "removed"}>
                  {markOf(l)}
                </td>
                <td className={classes.code}>{l.text}</td>
              </tr>
            ))}
          </Fragment>
        ))}
      </tbody>
    </table>
  );
}

function Split({ hunks }: { hunks: Hunk[] }) {
  return (
    <table className={classes.diff} data-testid="version-diff-split">
      <colgroup>
        <col className={classes.numCol} />
        <col />
        <col className={classes.numCol} />
        <col />
      </colgroup>
      <tbody>
        {hunks.map((h, i) => (
          <Fragment key={i}>
            <HunkHeader hunk={h} colSpan={4} />
            {sideBySide(h.lines).map((row, j) => (
              <tr key={j}>
                <td className={`${classes.num} ${kindClass(row.left) ?? ""}`}>{row.left?.oldLine ?? ""}</td>
                <td className={`${classes.code} ${kindClass(row.left) ?? ""}`} data-kind={row.left?.kind}>
                  {row.left?.text ?? ""}
                </td>
                <td className={`${classes.num} ${kindClass(row.right) ?? ""}`}>{row.right?.newLine ?? ""}</td>
                <td className={`${classes.code} ${kindClass(row.right) ?? ""}`} data-kind={row.right?.kind}>
                  {row.right?.text ?? ""}
                </td>
              </tr>
            ))}
          </Fragment>
        ))}
      </tbody>
    </table>
  );
}

/** The SQL change between two versions of a saved query, unified or side by side. */
export function SavedQueryDiff({ id, from, to }: { id: string; from: number; to: number }) {
  const trpc = useTRPC();
  const [layout, setLayout] = useState<"unified" | "split">("unified");
  const diff = useQuery(trpc.savedQueries.diff.queryOptions({ id, from, to }));

  if (diff.isPending) return <Skeleton h={120} />;
  if (diff.isError)
    return (
      <Alert color="red" variant="light" icon={<IconAlertCircle size={16} />}>
        {errorInfo(diff.error).message}
      </Alert>
    );
  const d = diff.data;
  return (
    <div data-testid="version-diff">
      <Group justify="space-between" mb="xs" wrap="nowrap">
        <Group gap={6}>
          <Badge color="green" variant="light" style={{ textTransform: "none" }}>
            +{d.added}
          </Badge>
          <Badge color="red" variant="light" style={{ textTransform: "none" }}>
            −{d.removed}
          </Badge>
          {d.changedFields.length > 0 && (
            <Text size="xs" c="dimmed">
              Also changed: {d.changedFields.map((f) => FIELD_LABELS[f] ?? f).join(", ")}
            </Text>
          )}
        </Group>
        <SegmentedControl
          size="xs"
          value={layout}
          onChange={(v) => setLayout(v === "split" ? "split" : "unified")}
          data={[
            { value: "unified", label: "Unified" },
            { value: "split", label: "Side by side" },
          ]}
          aria-label="Diff layout"
        />
      </Group>
      {d.hunks.length === 0 ? (
        <Text size="sm" c="dimmed" py="sm">
          The SQL of v{d.from} and v{d.to} is the same.
        </Text>
      ) : (
        <ScrollArea.Autosize mah="50vh">{layout === "unified" ? <Unified hunks={d.hunks} /> : <Split hunks={d.hunks} />}</ScrollArea.Autosize>
      )}
    </div>
  );
}
