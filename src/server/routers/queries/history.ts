import "server-only";
import { z } from "zod";
import { cancelRun, deleteRun, getRun, listHistory, resultPage } from "../../services/queries/history";
import { authedProcedure } from "../../trpc";
import { columnDto, queryIdInput, queryRunDto, rowDto } from "./dto";
import { callerPrincipal } from "../principal";

export const history = authedProcedure
  .input(
    z.object({
      page: z.number().int().min(1).default(1),
      pageSize: z.number().int().min(1).max(200).default(50),
      dataSourceId: z.string().max(100).optional(),
      status: z.string().max(40).optional(),
      search: z.string().max(200).optional(),
    }),
  )
  .output(z.object({ items: z.array(queryRunDto), total: z.number() }))
  .query(({ ctx, input }) => listHistory(ctx.session.user, input));

export const get = authedProcedure
  .input(queryIdInput)
  .output(queryRunDto)
  .query(({ ctx, input }) => getRun(ctx.session.user, input.id));

export const remove = authedProcedure
  .input(queryIdInput)
  .output(z.object({ message: z.string() }))
  .mutation(async ({ ctx, input }) => {
    await deleteRun(ctx.session.user, input.id);
    return { message: "Query deleted successfully" };
  });

export const results = authedProcedure
  .input(
    queryIdInput.extend({
      page: z.number().int().min(1).default(1),
      pageSize: z.number().int().min(1).max(10_000).default(50),
      sortBy: z.string().max(300).optional(),
      sortOrder: z.enum(["asc", "desc"]).default("asc"),
    }),
  )
  .output(
    z.object({
      queryId: z.string(),
      columns: z.array(columnDto),
      rows: z.array(rowDto),
      total: z.number(),
      truncated: z.boolean(),
      truncatedReason: z.string().nullable(),
      rowCount: z.number(),
      storedPartial: z.boolean(),
      message: z.string().nullable(),
    }),
  )
  .query(({ ctx, input }) => resultPage(ctx.session.user, input.id, input));

export const cancel = authedProcedure
  .input(queryIdInput)
  .output(queryRunDto)
  .mutation(({ ctx, input }) => cancelRun(callerPrincipal(ctx), input.id));
