import "server-only";
import { z } from "zod";
import { createShareLink, openShareLink, revokeShareLink } from "../../services/shares";
import { authedProcedure, createTRPCRouter, publicProcedure } from "../../trpc";
import { columnDto, rowDto } from "../queries/dto";

export const shareLinkDto = z.object({
  id: z.string(),
  path: z.string(),
  expiresAt: z.string().nullable(),
  hasPassword: z.boolean(),
  rowCount: z.number(),
  createdAt: z.string(),
});

export const sharesRouter = createTRPCRouter({
  create: authedProcedure
    .input(
      z.object({
        queryId: z.string().min(1).max(100),
        expirationDays: z.number().int().min(0).max(365).nullable().optional(),
        password: z.string().min(4).max(200).nullable().optional(),
      }),
    )
    .output(shareLinkDto)
    .mutation(({ ctx, input }) => createShareLink(ctx.session.user, input.queryId, input)),
  /** Public: anyone with the link (and its password) sees the snapshot. */
  open: publicProcedure
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
    .query(({ ctx, input }) => openShareLink(input.id, input.password, ctx.meta.ip ?? "")),
  revoke: authedProcedure
    .input(z.object({ id: z.string().min(1).max(100) }))
    .output(z.object({ message: z.string() }))
    .mutation(async ({ ctx, input }) => {
      await revokeShareLink(ctx.session.user, input.id);
      return { message: "Share link revoked" };
    }),
});
