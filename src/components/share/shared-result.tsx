"use client";
import { Badge, Button, Center, Group, Loader, Paper, Stack, Text, Title } from "@mantine/core";
import { IconDownload, IconUser } from "@tabler/icons-react";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { ResultsGrid } from "@/components/results/results-grid";
import { formatDate } from "@/components/ui/format";
import { errorInfo } from "@/components/ui/feedback";
import { useTRPC } from "@/lib/trpc";
import { downloadText, toCsv } from "./csv";
import classes from "./share.module.css";
import { SharePasswordForm } from "./share-password-form";
import { ShareUnavailable } from "./share-unavailable";
import { SqlViewer } from "./sql-viewer";

/** A shared snapshot: who shared it, the SQL and the rows; a password first if it has one. */
export function SharedResult({ id }: { id: string }) {
  const trpc = useTRPC();
  const [password, setPassword] = useState<string | undefined>(undefined);
  const shared = useQuery(
    trpc.shares.open.queryOptions({ id, password }, { retry: false, staleTime: Infinity, placeholderData: keepPreviousData }),
  );

  if (shared.isPending) {
    return (
      <Center mih={300}>
        <Loader type="dots" aria-label="Opening the shared result" />
      </Center>
    );
  }
  if (shared.isError || !shared.data) {
    const problem = errorInfo(shared.error);
    if (problem.appCode === "UNAUTHORIZED" && problem.details?.password_required) {
      return (
        <SharePasswordForm
          error={password !== undefined && !shared.isFetching ? problem.message : null}
          loading={shared.isFetching}
          onSubmit={setPassword}
        />
      );
    }
    if (problem.appCode === "NOT_FOUND" || problem.httpStatus === 404) return <ShareUnavailable />;
    return <ShareUnavailable message={problem.message} />;
  }

  const { sql, columns, rows, rowCount, createdAt, expiresAt, sharedBy } = shared.data;
  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end" wrap="wrap" gap="sm">
        <Stack gap={4}>
          <Title order={1} fz={24}>
            Shared query result
          </Title>
          <Text size="sm" c="dimmed">
            A snapshot of {rowCount.toLocaleString()} {rowCount === 1 ? "row" : "rows"} taken when the link was made; opening it never queries the database.
          </Text>
          <Group gap={6} c="dimmed" wrap="wrap">
            <IconUser size={14} />
            <Text size="sm" data-testid="shared-by">
              Shared by <b>{sharedBy}</b> on {formatDate(createdAt)}
            </Text>
            <Badge size="sm" variant="light" color={expiresAt ? "orange" : "gray"} radius="sm" tt="none">
              {expiresAt ? `expires ${formatDate(expiresAt)}` : "no expiry"}
            </Badge>
          </Group>
        </Stack>
        <Button
          variant="default"
          leftSection={<IconDownload size={16} />}
          onClick={() => downloadText(toCsv(columns, rows), `quarry-shared-${id.slice(0, 8)}.csv`, "text/csv;charset=utf-8")}
        >
          Download CSV
        </Button>
      </Group>
      <Paper withBorder radius="md" style={{ overflow: "hidden" }}>
        <Text size="xs" fw={600} c="dimmed" tt="uppercase" px="md" py={8}>
          SQL
        </Text>
        <div className={classes.sql}>
          <SqlViewer sql={sql} />
        </div>
      </Paper>
      <Paper
        withBorder
        radius="md"
        className={classes.gridCard}
        // As tall as the rows need, up to the window's height.
        style={{ height: `min(${44 + rows.length * 30 + 48}px, max(420px, calc(100dvh - 380px)))` }}
      >
        <div className={classes.gridBody}>
          <ResultsGrid columns={columns} rows={rows} label="Shared result" />
        </div>
        <Group px="md" h={32} style={{ borderTop: "1px solid var(--mantine-color-default-border)" }}>
          <Text size="xs" c="dimmed" ff="monospace" data-testid="shared-row-count">
            {rows.length.toLocaleString()} {rows.length === 1 ? "row" : "rows"}
            {rowCount > rows.length ? ` of ${rowCount.toLocaleString()}` : ""}
          </Text>
        </Group>
      </Paper>
    </Stack>
  );
}
