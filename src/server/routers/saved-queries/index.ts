import "server-only";
import { z } from "zod";
import {
  createSavedQuery,
  deleteSavedQuery,
  diffVersions,
  getSavedQuery,
  listSavedQueries,
  listVersions,
  revertToVersion,
  shareSavedQuery,
  updateSavedQuery,
} from "../../services/saved-queries";
import { authedProcedure, createTRPCRouter } from "../../trpc";

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

const id = z.object({ id: z.string().min(1).max(100) });
const versionDto = z.object({
  version: z.number(),
  title: z.string(),
  description: z.string(),
  sql: z.string(),
  tags: z.array(z.string()),
  dataSourceId: z.string().nullable(),
  editedBy: z.string().nullable(),
  createdAt: z.string(),
});

export const savedQueriesRouter = createTRPCRouter({
  create: authedProcedure
    .input(savedQueryInput)
    .output(savedQueryDto)
    .mutation(({ ctx, input }) => createSavedQuery(ctx.session.user, input)),
  list: authedProcedure
    .input(
      z.object({
        page: z.number().int().min(1).default(1),
        pageSize: z.number().int().min(1).max(100).default(20),
        search: z.string().max(200).optional(),
        tag: z.string().max(50).optional(),
        sort: z.enum(["recent", "oldest", "title", "updated"]).default("recent"),
        scope: z.enum(["all", "mine", "shared"]).default("all"),
      }),
    )
    .output(z.object({ items: z.array(savedQueryDto), total: z.number() }))
    .query(({ ctx, input }) => listSavedQueries(ctx.session.user, input)),
  get: authedProcedure.input(id).output(savedQueryDto).query(({ ctx, input }) => getSavedQuery(ctx.session.user, input.id)),
  update: authedProcedure
    .input(id.extend({ patch: savedQueryInput.partial() }))
    .output(savedQueryDto)
    .mutation(({ ctx, input }) => updateSavedQuery(ctx.session.user, input.id, input.patch)),
  remove: authedProcedure
    .input(id)
    .output(z.object({ message: z.string() }))
    .mutation(async ({ ctx, input }) => {
      await deleteSavedQuery(ctx.session.user, input.id);
      return { message: "Saved query deleted successfully" };
    }),
  share: authedProcedure
    .input(id.extend({ userIds: z.array(z.string().min(1).max(100)).min(1).max(200), permission: z.enum(["read", "edit", "none"]) }))
    .output(savedQueryDto)
    .mutation(({ ctx, input }) => shareSavedQuery(ctx.session.user, input.id, input.userIds, input.permission)),
  versions: authedProcedure.input(id).output(z.array(versionDto)).query(({ ctx, input }) => listVersions(ctx.session.user, input.id)),
  diff: authedProcedure
    .input(id.extend({ from: z.number().int().min(1), to: z.number().int().min(1) }))
    .output(z.object({ from: z.number(), to: z.number(), sqlDiff: z.string(), changedFields: z.array(z.string()) }))
    .query(({ ctx, input }) => diffVersions(ctx.session.user, input.id, input.from, input.to)),
  revert: authedProcedure
    .input(id.extend({ version: z.number().int().min(1) }))
    .output(savedQueryDto)
    .mutation(({ ctx, input }) => revertToVersion(ctx.session.user, input.id, input.version)),
});
