import "server-only";
import { z } from "zod";

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
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const savedQueryInput = z.object({
  title: z.string().trim().min(1, "title is required").max(200),
  description: z.string().max(5000).optional(),
  sql: z.string().min(1, "sql is required").max(200_000),
  tags: z.array(z.string().max(50)).max(30).optional(),
  dataSourceId: z.string().max(100).nullable().optional(),
});

export const savedQueryId = z.object({ id: z.string().min(1).max(100) });

export const versionDto = z.object({
  version: z.number(),
  title: z.string(),
  description: z.string(),
  sql: z.string(),
  tags: z.array(z.string()),
  dataSourceId: z.string().nullable(),
  editedBy: z.string().nullable(),
  createdAt: z.string(),
});
