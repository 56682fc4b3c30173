import "server-only";
import { z } from "zod";

export const shareLinkDto = z.object({
  id: z.string(),
  path: z.string(),
  expiresAt: z.string().nullable(),
  hasPassword: z.boolean(),
  rowCount: z.number(),
  createdAt: z.string(),
});

export const shareLinkListItemDto = shareLinkDto.extend({
  queryId: z.string(),
  sqlPreview: z.string(),
  dataSourceId: z.string().nullable(),
  views: z.number(),
  lastViewedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  status: z.enum(["active", "expired", "revoked"]),
});
