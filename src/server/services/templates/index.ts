import "server-only";
import type { Prisma, QueryTemplate } from "@prisma/client";
import { PARAMETER_TYPES, parameterNames, type ParameterDefinition } from "@/lib/sql-parameters";
import { db } from "../../db";
import { containsText } from "../../db/text-filter";
import { forbidden, notFound, validationFailed } from "../../errors";
import { recordAudit } from "../audit";
import { auditActorOf, requireActingUser, type Principal } from "../principal";
import { createSavedQuery, type SavedQueryView } from "../saved-queries";
import type { ExecuteOutcome } from "../queries/execute";
import type { ParameterValue } from "./parameters";
import { runParameterized } from "./run";

/**
 * The template library: queries with typed parameters that everyone signed in can browse,
 * run (against sources they may read) and clone into their own saved queries. The owner
 * and admins change or delete a template; the shipped ones (no owner) only admins.
 */
export type TemplateEngine = "postgres" | "mysql" | "sqlite";

export interface TemplateInput {
  title: string;
  description?: string;
  sql: string;
  category?: string;
  tags?: string[];
  parameters?: ParameterDefinition[];
  engines?: TemplateEngine[];
}

export interface TemplateView {
  id: string;
  title: string;
  description: string;
  sql: string;
  category: string;
  tags: string[];
  parameters: ParameterDefinition[];
  engines: TemplateEngine[];
  builtIn: boolean;
  ownerId: string | null;
  ownerEmail: string | null;
  canEdit: boolean;
  createdAt: string;
  updatedAt: string;
}

type Loaded = Prisma.QueryTemplateGetPayload<{ include: { owner: { select: { email: true } } } }>;
const include = { owner: { select: { email: true } } } as const;

const parseJson = <T>(text: string, fallback: T): T => {
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
};

const normalizeTags = (tags: string[] = []) => [...new Set(tags.map((t) => t.trim().toLowerCase()).filter(Boolean))].slice(0, 30);
const normalizeCategory = (c?: string) => (c ?? "general").trim().toLowerCase() || "general";

function canEdit(principal: Principal, t: QueryTemplate): boolean {
  const user = requireActingUser(principal);
  return user.role === "admin" || (t.ownerId !== null && t.ownerId === user.id);
}

function toView(principal: Principal, t: Loaded): TemplateView {
  return {
    id: t.id,
    title: t.title,
    description: t.description,
    sql: t.sql,
    category: t.category,
    tags: parseJson<string[]>(t.tags, []),
    parameters: parseJson<ParameterDefinition[]>(t.parameters, []),
    engines: parseJson<TemplateEngine[]>(t.engines, []),
    builtIn: t.slug !== null && t.ownerId === null,
    ownerId: t.ownerId,
    ownerEmail: t.owner?.email ?? null,
    canEdit: canEdit(principal, t),
    createdAt: t.createdAt.toISOString(),
    updatedAt: t.updatedAt.toISOString(),
  };
}

/**
 * Every marker in the SQL gets a definition (undeclared ones become text parameters), and
 * a declared parameter the SQL never uses is an error: it would silently do nothing.
 */
export function normalizeParameters(sql: string, declared: ParameterDefinition[] = []): ParameterDefinition[] {
  const names = parameterNames(sql);
  const fields = declared
    .filter((d) => !names.includes(d.name))
    .map((d) => ({ field: `parameters.${d.name}`, message: `the SQL has no {{${d.name}}} or :${d.name}` }));
  const bad = declared.filter((d) => !PARAMETER_TYPES.includes(d.type));
  for (const d of bad) fields.push({ field: `parameters.${d.name}.type`, message: `one of ${PARAMETER_TYPES.join(", ")}` });
  if (fields.length) throw validationFailed(fields, "The parameters do not match the SQL");
  return names.map((name) => declared.find((d) => d.name === name) ?? { name, type: "string" as const, required: true });
}

async function load(principal: Principal, id: string, need: "read" | "edit"): Promise<Loaded> {
  requireActingUser(principal);
  const t = await db.queryTemplate.findUnique({ where: { id }, include });
  if (!t) throw notFound("Template", id);
  if (need === "edit" && !canEdit(principal, t)) {
    throw forbidden(t.ownerId ? "Only the template's owner or an admin may change it" : "Only an admin may change a shipped template");
  }
  return t;
}

export async function createTemplate(principal: Principal, input: TemplateInput): Promise<TemplateView> {
  const user = requireActingUser(principal);
  const parameters = normalizeParameters(input.sql, input.parameters);
  const t = await db.queryTemplate.create({
    data: {
      ownerId: user.id,
      title: input.title,
      description: input.description ?? "",
      sql: input.sql,
      category: normalizeCategory(input.category),
      tags: JSON.stringify(normalizeTags(input.tags)),
      parameters: JSON.stringify(parameters),
      engines: JSON.stringify([...new Set(input.engines ?? [])]),
    },
    include,
  });
  await recordAudit(auditActorOf(principal), { action: "create_template", resourceType: "template", resourceId: t.id });
  return toView(principal, t);
}

export async function getTemplate(principal: Principal, id: string): Promise<TemplateView> {
  return toView(principal, await load(principal, id, "read"));
}

export interface TemplateListInput {
  page: number;
  pageSize: number;
  category?: string;
  search?: string;
  tag?: string;
  engine?: TemplateEngine;
  mine?: boolean;
}

export async function listTemplates(principal: Principal, input: TemplateListInput): Promise<{ items: TemplateView[]; total: number; categories: string[] }> {
  const user = requireActingUser(principal);
  const filters: Prisma.QueryTemplateWhereInput[] = [];
  if (input.category) filters.push({ category: normalizeCategory(input.category) });
  if (input.mine) filters.push({ ownerId: user.id });
  if (input.tag) filters.push({ tags: { contains: JSON.stringify(input.tag.trim().toLowerCase()) } });
  if (input.engine) filters.push({ OR: [{ engines: "[]" }, { engines: { contains: JSON.stringify(input.engine) } }] });
  if (input.search) {
    const s = input.search.trim();
    filters.push({ OR: [{ title: containsText(s) }, { description: containsText(s) }, { sql: containsText(s) }, { tags: { contains: s.toLowerCase() } }] });
  }
  const where: Prisma.QueryTemplateWhereInput = { AND: filters };
  const [rows, total, categories] = await Promise.all([
    db.queryTemplate.findMany({ where, include, orderBy: [{ category: "asc" }, { title: "asc" }], skip: (input.page - 1) * input.pageSize, take: input.pageSize }),
    db.queryTemplate.count({ where }),
    db.queryTemplate.findMany({ distinct: ["category"], select: { category: true }, orderBy: { category: "asc" } }),
  ]);
  return { items: rows.map((t) => toView(principal, t)), total, categories: categories.map((c) => c.category) };
}

export async function updateTemplate(principal: Principal, id: string, patch: Partial<TemplateInput>): Promise<TemplateView> {
  const current = await load(principal, id, "edit");
  const sql = patch.sql ?? current.sql;
  const declared = patch.parameters ?? parseJson<ParameterDefinition[]>(current.parameters, []).filter((d) => parameterNames(sql).includes(d.name));
  const parameters = normalizeParameters(sql, declared);
  const t = await db.queryTemplate.update({
    where: { id },
    data: {
      title: patch.title ?? current.title,
      description: patch.description ?? current.description,
      sql,
      category: patch.category === undefined ? current.category : normalizeCategory(patch.category),
      tags: patch.tags ? JSON.stringify(normalizeTags(patch.tags)) : current.tags,
      parameters: JSON.stringify(parameters),
      engines: patch.engines ? JSON.stringify([...new Set(patch.engines)]) : current.engines,
    },
    include,
  });
  await recordAudit(auditActorOf(principal), { action: "update_template", resourceType: "template", resourceId: id });
  return toView(principal, t);
}

export async function deleteTemplate(principal: Principal, id: string): Promise<void> {
  await load(principal, id, "edit");
  await db.queryTemplate.delete({ where: { id } });
  await recordAudit(auditActorOf(principal), { action: "delete_template", resourceType: "template", resourceId: id });
}

/** A copy in the caller's own saved queries (markers kept; the editor asks for their values). */
export async function cloneTemplate(principal: Principal, id: string, input: { title?: string; dataSourceId?: string | null } = {}): Promise<SavedQueryView> {
  const user = requireActingUser(principal);
  const t = await load(principal, id, "read");
  const saved = await createSavedQuery(principal, {
    title: input.title ?? t.title,
    description: t.description,
    sql: t.sql,
    tags: [...parseJson<string[]>(t.tags, []), "template"],
    dataSourceId: input.dataSourceId ?? null,
  });
  await recordAudit(auditActorOf(principal), { action: "clone_template", resourceType: "template", resourceId: id, details: { savedQueryId: saved.id } });
  return saved;
}

/** Runs a template on a data source the caller may read, its parameters bound as values. */
export async function runTemplate(
  principal: Principal,
  id: string,
  input: { dataSourceId?: string; values: Record<string, ParameterValue | undefined>; wait?: boolean; source?: string },
): Promise<ExecuteOutcome> {
  const t = await load(principal, id, "read");
  return runParameterized(principal, {
    dataSourceId: input.dataSourceId,
    sql: t.sql,
    values: input.values,
    declared: parseJson<ParameterDefinition[]>(t.parameters, []),
    source: input.source ?? "template",
    wait: input.wait,
  });
}
