import "server-only";
import { z } from "zod";
import { createShareLink } from "../../services/shares";
import { authedProcedure } from "../../trpc";
import { shareLinkDto } from "./dto";

/** A snapshot link to one of the caller's results, masked as a reader would see it. */
export const create = authedProcedure
  .input(
    z.object({
      queryId: z.string().min(1).max(100),
      expirationDays: z.number().int().min(0).max(365).nullable().optional(),
      password: z.string().min(4).max(200).nullable().optional(),
    }),
  )
  .output(shareLinkDto)
  .mutation(({ ctx, input }) => createShareLink(ctx.principal, input.queryId, input));
