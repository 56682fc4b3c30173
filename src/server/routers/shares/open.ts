import "server-only";
import { z } from "zod";
import { openShareLink } from "../../services/shares";
import { shareLinkPrincipal } from "../../services/principal";
import { publicProcedure } from "../../trpc";
import { columnDto, rowDto } from "../queries/dto";

/** Public: anyone with the link (and its password) sees the snapshot. */
export const open = publicProcedure
  .input(z.object({ id: z.string().min(1).max(100), password: z.string().max(200).optional() }))
  .output(
    z.object({
      sql: z.string(),
      columns: z.array(columnDto),
      rows: z.array(rowDto),
      rowCount: z.number(),
      createdAt: z.string(),
      expiresAt: z.string().nullable(),
      sharedBy: z.string(),
    }),
  )
  .query(({ ctx, input }) => openShareLink(shareLinkPrincipal(input.id, ctx.meta.ip), input.password));
