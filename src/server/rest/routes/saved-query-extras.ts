import "server-only";
import { z } from "zod";
import {
  createFolder,
  deleteFolder,
  diffVersions,
  getSavedQuery,
  listFolders,
  listVersions,
  moveSavedQuery,
  renameFolder,
  shareSavedQueryWithGroups,
  type FolderView,
  type VersionView,
} from "../../services/saved-queries";
import { defineRoute } from "../route";
import { insightSaved, restSaved } from "./saved-queries";

/** Versions and their diff, folders and group shares of saved queries (InsightEngine style). */
const tag = "saved-queries";
const text = z.string();

const restChart = z.object({ type: z.enum(["bar", "line", "pie"]), x: text, y: z.array(text), series: text.nullable() }).nullable();
const restVersion = z.object({
  version: z.number(), title: text, description: text, sql: text, tags: z.array(text), database_id: text.nullable(),
  chart: restChart, edited_by: text.nullable(), created_at: text,
});
const versionOut = (v: VersionView): z.infer<typeof restVersion> => ({
  version: v.version, title: v.title, description: v.description, sql: v.sql, tags: v.tags, database_id: v.dataSourceId,
  chart: v.chart, edited_by: v.editedBy, created_at: v.createdAt,
});

const restFolder = z.object({ id: text, name: text, query_count: z.number(), created_at: text, updated_at: text });
const folderOut = (f: FolderView): z.infer<typeof restFolder> => ({
  id: f.id, name: f.name, query_count: f.queryCount, created_at: f.createdAt, updated_at: f.updatedAt,
});
const folderBody = z.object({ name: z.string({ error: "name is required" }).trim().min(1, "name is required").max(100) });

const versionNumber = (name: string) =>
  z.coerce.number({ error: `${name} must be a version number` }).int(`${name} must be a version number`).min(1, `${name} must be 1 or more`);

export const savedQueryExtraRoutes = [
  defineRoute({
    method: "GET", path: "/saved-queries/:id/versions", format: "insight", auth: "user", procedure: "savedQueries.versions", tag,
    addition: "Issue 14: a saved query’s version history; the documents keep no versions",
    summary: "Every version of a saved query, newest first",
    response: z.object({ versions: z.array(restVersion) }),
    async handle({ principal, params }) {
      return { body: { versions: (await listVersions(principal, params.id!)).map(versionOut) } };
    },
  }),
  defineRoute({
    method: "GET", path: "/saved-queries/:id/versions/diff", format: "insight", auth: "user", procedure: "savedQueries.diff", tag,
    addition: "Issue 14: the diff between two versions of a saved query",
    summary: "What changed between two versions: the SQL as line hunks and a unified diff, and which other fields changed",
    query: z.object({ from: versionNumber("from"), to: versionNumber("to") }),
    response: z.object({
      from: z.number(), to: z.number(), sql_diff: text, added: z.number(), removed: z.number(), changed_fields: z.array(text),
      hunks: z.array(z.object({
        old_start: z.number(), old_lines: z.number(), new_start: z.number(), new_lines: z.number(),
        lines: z.array(z.object({ kind: z.enum(["context", "add", "remove"]), text, old_line: z.number().nullable(), new_line: z.number().nullable() })),
      })),
      from_version: restVersion, to_version: restVersion,
    }),
    async handle({ principal, params, query }) {
      const d = await diffVersions(principal, params.id!, query.from, query.to);
      return {
        body: {
          from: d.from, to: d.to, sql_diff: d.sqlDiff, added: d.added, removed: d.removed, changed_fields: d.changedFields,
          hunks: d.hunks.map((h) => ({
            old_start: h.oldStart, old_lines: h.oldLines, new_start: h.newStart, new_lines: h.newLines,
            lines: h.lines.map((l) => ({ kind: l.kind, text: l.text, old_line: l.oldLine, new_line: l.newLine })),
          })),
          from_version: versionOut(d.fromVersion), to_version: versionOut(d.toVersion),
        },
      };
    },
  }),
  defineRoute({
    method: "POST", path: "/saved-queries/:id/move", format: "insight", auth: "user", procedure: "savedQueries.move", tag,
    addition: "Issue 14: filing a saved query in a folder; the documents have no folders",
    summary: "File your query in one of your folders (`folder_id: null`: no folder)", response: restSaved,
    body: z.object({ folder_id: z.string({ error: "folder_id is required (null for no folder)" }).min(1).max(100).nullable() }),
    async handle({ principal, params, body }) {
      await moveSavedQuery(principal, params.id!, body.folder_id);
      return { body: insightSaved(await getSavedQuery(principal, params.id!)) };
    },
  }),
  defineRoute({
    method: "POST", path: "/saved-queries/:id/share-groups", format: "insight", auth: "user", procedure: "savedQueries.shareGroups", tag,
    addition: "Issue 14: sharing read-only with groups; the documents share with users only",
    summary: "Share read-only with every member of some groups (`remove` stops); owner or admin",
    response: restSaved.extend({ message: text }),
    body: z.object({
      group_ids: z.array(z.string().min(1).max(100)).min(1, "at least one group").max(100),
      action: z.enum(["add", "remove"]).default("add"),
    }),
    async handle({ principal, params, body }) {
      const q = await shareSavedQueryWithGroups(principal, params.id!, body.group_ids, body.action);
      return { body: { ...insightSaved(q), message: "Sharing updated" } };
    },
  }),
  defineRoute({
    method: "GET", path: "/saved-query-folders", format: "insight", auth: "user", procedure: "savedQueries.folders.list", tag,
    addition: "Issue 14: folders of saved queries",
    summary: "Your folders of saved queries", response: z.object({ folders: z.array(restFolder) }),
    async handle({ principal }) {
      return { body: { folders: (await listFolders(principal)).map(folderOut) } };
    },
  }),
  defineRoute({
    method: "POST", path: "/saved-query-folders", format: "insight", auth: "user", procedure: "savedQueries.folders.create", tag,
    addition: "Issue 14: folders of saved queries",
    summary: "Make a folder", body: folderBody, successStatus: 201, response: restFolder,
    async handle({ principal, body }) {
      return { body: folderOut(await createFolder(principal, body.name)) };
    },
  }),
  defineRoute({
    method: "PUT", path: "/saved-query-folders/:id", format: "insight", auth: "user", procedure: "savedQueries.folders.rename", tag,
    addition: "Issue 14: folders of saved queries",
    summary: "Rename a folder", body: folderBody, response: restFolder,
    async handle({ principal, params, body }) {
      return { body: folderOut(await renameFolder(principal, params.id!, body.name)) };
    },
  }),
  defineRoute({
    method: "DELETE", path: "/saved-query-folders/:id", format: "insight", auth: "user", procedure: "savedQueries.folders.remove", tag,
    addition: "Issue 14: folders of saved queries (deleting keeps the queries)",
    summary: "Delete a folder; its queries stay, in no folder", response: z.object({ message: text, moved_queries: z.number() }),
    async handle({ principal, params }) {
      const { movedQueries } = await deleteFolder(principal, params.id!);
      return { body: { message: "Folder deleted; its queries are now in no folder", moved_queries: movedQueries } };
    },
  }),
];
