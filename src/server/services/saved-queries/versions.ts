import "server-only";
import type { SavedQueryVersion } from "@prisma/client";
import { createTwoFilesPatch, structuredPatch } from "diff";
import { db } from "../../db";
import { notFound } from "../../errors";
import { requireActingUser, type Principal } from "../principal";
import { load, parseChart, parseTags, type ChartSettings } from "./access";

export interface VersionView {
  version: number;
  title: string;
  description: string;
  sql: string;
  tags: string[];
  dataSourceId: string | null;
  chart: ChartSettings | null;
  editedBy: string | null;
  createdAt: string;
}

export interface DiffLine {
  kind: "context" | "add" | "remove";
  text: string;
  /** Line numbers in the `from` and `to` SQL; null on the side the line is not in. */
  oldLine: number | null;
  newLine: number | null;
}

export interface DiffHunk {
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  lines: DiffLine[];
}

export interface VersionDiff {
  from: number;
  to: number;
  /** The SQL change as a unified diff (text). */
  sqlDiff: string;
  /** The same change as line-based hunks with 3 lines of context. */
  hunks: DiffHunk[];
  added: number;
  removed: number;
  changedFields: string[];
  fromVersion: VersionView;
  toVersion: VersionView;
}

const toVersionView = (v: SavedQueryVersion & { editedBy: { email: string } | null }): VersionView => ({
  version: v.version,
  title: v.title,
  description: v.description,
  sql: v.sql,
  tags: parseTags(v.tags),
  dataSourceId: v.dataSourceId,
  chart: parseChart(v.chart),
  editedBy: v.editedBy?.email ?? null,
  createdAt: v.createdAt.toISOString(),
});

export async function listVersions(principal: Principal, id: string): Promise<VersionView[]> {
  const user = requireActingUser(principal);
  await load(user, id, "read");
  const versions = await db.savedQueryVersion.findMany({
    where: { savedQueryId: id },
    orderBy: { version: "desc" },
    include: { editedBy: { select: { email: true } } },
  });
  return versions.map(toVersionView);
}

export async function findVersion(id: string, n: number) {
  const v = await db.savedQueryVersion.findUnique({
    where: { savedQueryId_version: { savedQueryId: id, version: n } },
    include: { editedBy: { select: { email: true } } },
  });
  if (!v) throw notFound(`Version ${n} of saved query`, id);
  return v;
}

/** Line-based hunks between two texts (a trailing newline never counts as a change). */
export function lineHunks(a: string, b: string): DiffHunk[] {
  const end = (s: string) => (s.endsWith("\n") ? s : `${s}\n`);
  return structuredPatch("from", "to", end(a), end(b), "", "", { context: 3 }).hunks.map((h) => {
    let oldLine = h.oldStart;
    let newLine = h.newStart;
    const lines: DiffLine[] = [];
    for (const raw of h.lines) {
      const mark = raw[0];
      const text = raw.slice(1);
      if (mark === "+") lines.push({ kind: "add", text, oldLine: null, newLine: newLine++ });
      else if (mark === "-") lines.push({ kind: "remove", text, oldLine: oldLine++, newLine: null });
      else if (mark === " ") lines.push({ kind: "context", text, oldLine: oldLine++, newLine: newLine++ });
    }
    return { oldStart: h.oldStart, oldLines: h.oldLines, newStart: h.newStart, newLines: h.newLines, lines };
  });
}

/** What changed between two versions: the SQL as hunks and text, plus the other fields. */
export async function diffVersions(principal: Principal, id: string, from: number, to: number): Promise<VersionDiff> {
  const user = requireActingUser(principal);
  await load(user, id, "read");
  const [a, b] = await Promise.all([findVersion(id, from), findVersion(id, to)]);
  const changedFields = (["title", "description", "tags", "dataSourceId", "chart"] as const).filter((k) => (a[k] ?? null) !== (b[k] ?? null));
  const hunks = lineHunks(a.sql, b.sql);
  const count = (kind: DiffLine["kind"]) => hunks.reduce((n, h) => n + h.lines.filter((l) => l.kind === kind).length, 0);
  return {
    from,
    to,
    sqlDiff: createTwoFilesPatch(`v${from}`, `v${to}`, a.sql, b.sql),
    hunks,
    added: count("add"),
    removed: count("remove"),
    changedFields,
    fromVersion: toVersionView(a),
    toVersion: toVersionView(b),
  };
}
