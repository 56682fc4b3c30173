import "server-only";
import { z } from "zod";

/** The chart shown with the query's results: its type, x axis, y columns and series column. */
export const chartSettingsDto = z.object({
  type: z.enum(["bar", "line", "pie"]),
  x: z.string().min(1).max(200),
  y: z.array(z.string().min(1).max(200)).max(20),
  series: z.string().max(200).nullable().default(null),
});

export const savedQueryDto = z.object({
  id: z.string(),
  title: z.string(),
  description: z.string(),
  sql: z.string(),
  tags: z.array(z.string()),
  dataSourceId: z.string().nullable(),
  version: z.number(),
  ownerId: z.string(),
  ownerEmail: z.string(),
  permission: z.enum(["owner", "read", "edit"]),
  sharedWith: z.array(z.object({ userId: z.string(), email: z.string(), permission: z.enum(["read", "edit"]) })),
  sharedWithGroups: z.array(z.object({ groupId: z.string(), name: z.string() })),
  folderId: z.string().nullable(),
  chart: chartSettingsDto.nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const savedQueryInput = z.object({
  title: z.string().trim().min(1, "title is required").max(200),
  description: z.string().max(5000).optional(),
  sql: z.string().min(1, "sql is required").max(200_000),
  tags: z.array(z.string().max(50)).max(30).optional(),
  dataSourceId: z.string().max(100).nullable().optional(),
  chart: chartSettingsDto.nullable().optional(),
  folderId: z.string().max(100).nullable().optional(),
});

export const savedQueryId = z.object({ id: z.string().min(1).max(100) });

export const versionDto = z.object({
  version: z.number(),
  title: z.string(),
  description: z.string(),
  sql: z.string(),
  tags: z.array(z.string()),
  dataSourceId: z.string().nullable(),
  chart: chartSettingsDto.nullable(),
  editedBy: z.string().nullable(),
  createdAt: z.string(),
});

export const diffLineDto = z.object({
  kind: z.enum(["context", "add", "remove"]),
  text: z.string(),
  oldLine: z.number().nullable(),
  newLine: z.number().nullable(),
});

export const diffHunkDto = z.object({
  oldStart: z.number(),
  oldLines: z.number(),
  newStart: z.number(),
  newLines: z.number(),
  lines: z.array(diffLineDto),
});

export const versionDiffDto = z.object({
  from: z.number(),
  to: z.number(),
  sqlDiff: z.string(),
  hunks: z.array(diffHunkDto),
  added: z.number(),
  removed: z.number(),
  changedFields: z.array(z.string()),
  fromVersion: versionDto,
  toVersion: versionDto,
});

export const folderDto = z.object({
  id: z.string(),
  name: z.string(),
  queryCount: z.number(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const folderName = z.string().trim().min(1, "name is required").max(100);
