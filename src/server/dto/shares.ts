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
