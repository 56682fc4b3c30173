"use client";
import { Badge, Group, Text, Tooltip } from "@mantine/core";
import { IconAlertTriangle } from "@tabler/icons-react";
import { formatDuration } from "./elapsed";
import type { QueryResult } from "../types";

/** "N rows in X ms", and a badge when the server kept only the first rows. */
export function ResultsFooter({ result }: { result: QueryResult }) {
  const shown = result.rows.length;
  return (
    <Group gap="sm" wrap="nowrap" data-testid="results-footer">
      <Text size="xs" c="dimmed" ff="monospace">
        {shown.toLocaleString()} {shown === 1 ? "row" : "rows"}
        {result.executionTimeMs !== null && ` in ${formatDuration(result.executionTimeMs)}`}
      </Text>
      {result.truncated && (
        <Tooltip
          label={
            result.truncatedReason === "bytes"
              ? "The result reached the server's size limit; export or add a LIMIT/WHERE to see others."
              : "The server keeps at most this many rows per query; export or add a LIMIT/WHERE to see others."
          }
          withArrow
          multiline
          w={260}
        >
          <Badge size="xs" color="orange" variant="light" radius="sm" data-testid="truncated-badge">
            truncated at {result.rowCount.toLocaleString()} rows{result.truncatedReason === "bytes" ? " (size limit)" : ""}
          </Badge>
        </Tooltip>
      )}
      {result.storedPartial && (
        <Tooltip label="History keeps only the first rows of a large result; run the query again or export it to see all of them." withArrow multiline w={260}>
          <Badge size="xs" color="gray" variant="light" radius="sm" data-testid="stored-partial-badge">
            showing the first {shown.toLocaleString()} of {result.rowCount.toLocaleString()} rows
          </Badge>
        </Tooltip>
      )}
      {result.warnings.length > 0 && (
        <Tooltip label={result.warnings.join("\n")} withArrow multiline w={300}>
          <Badge size="xs" color="yellow" variant="light" radius="sm" leftSection={<IconAlertTriangle size={10} />}>
            {result.warnings.length} {result.warnings.length === 1 ? "warning" : "warnings"}
          </Badge>
        </Tooltip>
      )}
    </Group>
  );
}
