"use client";
import { Group, Pagination, Text } from "@mantine/core";
import type { ReactNode } from "react";

interface TablePagerProps {
  total: number;
  /** 1-based. */
  page: number;
  pageSize: number;
  onPageChange: (page: number) => void;
  /** What the left side says; by default the range shown, "26–50 of 120". */
  summary?: ReactNode;
  /** Hide the whole footer while everything fits on one page (instead of only the page buttons). */
  hideWhenOnePage?: boolean;
}

/** The footer under every paged list (admin panels, approvals inbox): a count and the page buttons. */
export function TablePager({ total, page, pageSize, onPageChange, summary, hideWhenOnePage }: TablePagerProps) {
  const paged = total > pageSize;
  if (total === 0 || (hideWhenOnePage && !paged)) return null;
  return (
    <Group justify="space-between" px="md" py="sm" style={{ borderTop: "1px solid var(--mantine-color-default-border)" }}>
      <Text size="sm" c="dimmed">
        {summary ?? `${(page - 1) * pageSize + 1}–${Math.min(page * pageSize, total)} of ${total}`}
      </Text>
      {paged && <Pagination total={Math.ceil(total / pageSize)} value={page} onChange={onPageChange} size="sm" />}
    </Group>
  );
}
