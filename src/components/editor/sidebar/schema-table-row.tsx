"use client";
import { ActionIcon, Menu, Text, Tooltip, UnstyledButton } from "@mantine/core";
import {
  IconChevronRight,
  IconColumns3,
  IconCopy,
  IconDots,
  IconEye,
  IconKey,
  IconLink,
  IconLayoutSidebarRightExpand,
  IconPlayerPlay,
  IconTable,
  IconTextPlus,
} from "@tabler/icons-react";
import { memo } from "react";
import { compactCount } from "@/components/ui/format";
import type { Engine, SchemaTable } from "../types";
import { rowCountLabel } from "./schema-groups";
import classes from "./sidebar.module.css";

interface SchemaTableRowProps {
  table: SchemaTable;
  engine: Engine | undefined;
  expanded: boolean;
  /** When searching by column, only these columns are listed. */
  columnFilter: string | null;
  onToggle: (table: SchemaTable) => void;
  onInsert: (text: string, kind: "table" | "column", table: SchemaTable) => void;
  onQuery: (table: SchemaTable) => void;
  onInsertColumns: (table: SchemaTable) => void;
  onCopyName: (table: SchemaTable) => void;
  onPreview: (table: SchemaTable) => void;
}

export const SchemaTableRow = memo(function SchemaTableRow(props: SchemaTableRowProps) {
  const { table, engine, expanded, columnFilter, onToggle, onInsert, onQuery, onInsertColumns, onCopyName, onPreview } = props;
  const count = table.approxRowCount === null ? null : rowCountLabel(table.approxRowCount, engine, compactCount);
  const fks = new Map(table.foreignKeys.flatMap((fk) => fk.columns.map((c, i) => [c, `${fk.referencedTable}(${fk.referencedColumns[i] ?? "?"})`] as const)));
  const columns = columnFilter ? table.columns.filter((c) => c.name.toLowerCase().includes(columnFilter)) : table.columns;
  const Icon = table.type === "view" ? IconEye : IconTable;
  return (
    <div className={classes.tableItem} data-testid="schema-table" data-table={table.name}>
      <div className={classes.tableRow}>
        <ActionIcon
          size="sm"
          variant="subtle"
          color="gray"
          onClick={() => onToggle(table)}
          aria-expanded={expanded}
          aria-label={`${expanded ? "Collapse" : "Expand"} ${table.name}`}
        >
          <IconChevronRight size={14} className={classes.chevron} data-open={expanded || undefined} />
        </ActionIcon>
        <Tooltip label="Click for the columns, double-click to insert the name" openDelay={600} withArrow position="right">
          <UnstyledButton
            className={classes.tableName}
            onClick={() => onToggle(table)}
            onDoubleClick={() => onInsert(table.name, "table", table)}
            aria-expanded={expanded}
            data-testid="schema-table-name"
          >
            <Icon size={15} stroke={1.6} className={table.type === "view" ? classes.viewIcon : classes.tableIcon} aria-hidden />
            <Text size="sm" truncate span>
              {table.name}
            </Text>
          </UnstyledButton>
        </Tooltip>
        {count && (
          <Text size="xs" c="dimmed" className={classes.rowCount} title={count.title} data-testid="schema-row-count">
            {count.text}
          </Text>
        )}
        <Tooltip label="Insert the name at the cursor" openDelay={400} withArrow>
          <ActionIcon size="sm" variant="subtle" color="gray" className={classes.rowMenu} onClick={() => onInsert(table.name, "table", table)} aria-label={`Insert ${table.name}`}>
            <IconTextPlus size={14} />
          </ActionIcon>
        </Tooltip>
        <Tooltip label={`Preview the first rows`} openDelay={400} withArrow>
          <ActionIcon size="sm" variant="subtle" color="gray" className={classes.rowMenu} onClick={() => onPreview(table)} aria-label={`Preview ${table.name}`}>
            <IconLayoutSidebarRightExpand size={14} />
          </ActionIcon>
        </Tooltip>
        <Menu position="bottom-end" shadow="md" width={240} withinPortal>
          <Menu.Target>
            <ActionIcon size="sm" variant="subtle" color="gray" className={classes.rowMenu} aria-label={`Actions for ${table.name}`}>
              <IconDots size={14} />
            </ActionIcon>
          </Menu.Target>
          <Menu.Dropdown>
            <Menu.Label>{table.name}</Menu.Label>
            <Menu.Item leftSection={<IconLayoutSidebarRightExpand size={15} />} onClick={() => onPreview(table)}>
              Preview first rows
            </Menu.Item>
            <Menu.Item leftSection={<IconPlayerPlay size={15} />} onClick={() => onQuery(table)}>
              SELECT * … LIMIT 100
            </Menu.Item>
            <Menu.Item leftSection={<IconColumns3 size={15} />} onClick={() => onInsertColumns(table)}>
              Insert column list
            </Menu.Item>
            <Menu.Item leftSection={<IconCopy size={15} />} onClick={() => onCopyName(table)}>
              Copy name
            </Menu.Item>
          </Menu.Dropdown>
        </Menu>
      </div>
      {expanded && (
        <ul className={classes.columnList} aria-label={`Columns of ${table.name}`}>
          {columns.map((column) => {
            const fk = fks.get(column.name);
            return (
              <li key={column.name}>
                <UnstyledButton className={classes.columnRow} onClick={() => onInsert(column.name, "column", table)} title={`${column.name} ${column.type}${column.nullable ? "" : " NOT NULL"}${column.primaryKey ? " · primary key" : ""}${fk ? ` · references ${fk}` : ""} — click to insert`}>
                  <span className={classes.columnMarker}>
                    {column.primaryKey ? (
                      <IconKey size={12} className={classes.pk} aria-label="primary key" />
                    ) : fk ? (
                      <IconLink size={12} className={classes.fk} aria-label={`references ${fk}`} />
                    ) : null}
                  </span>
                  <Text size="xs" truncate span className={classes.columnName}>
                    {column.name}
                  </Text>
                  {fk && (
                    <Text size="xs" c="dimmed" truncate span className={classes.fkTarget}>
                      → {fk}
                    </Text>
                  )}
                  <Text size="xs" c="dimmed" span className={classes.columnType}>
                    {column.type.toLowerCase() || "?"}
                  </Text>
                </UnstyledButton>
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
});
