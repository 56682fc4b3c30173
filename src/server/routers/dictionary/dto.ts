import "server-only";
import { z } from "zod";

export const dataSourceInput = z.object({ dataSourceId: z.string().min(1).max(100).optional() });
export const tagSchema = z.enum(["PK", "FK", "PII", "measure", "dimension", "time", "id"]);
const proposal = z.object({
  field: z.enum(["alias", "description", "tags"]),
  value: z.union([z.string(), z.array(z.string())]),
  confidence: z.number(),
  reason: z.string(),
  status: z.enum(["pending", "applied", "accepted", "rejected"]),
});
const state = z.enum(["present", "dropped", "renamed"]);

export const tableMetaDto = z.object({
  schema: z.string().nullable(),
  name: z.string(),
  type: z.enum(["table", "view"]).nullable(),
  alias: z.string(),
  description: z.string(),
  synonyms: z.array(z.string()),
  rowCount: z.number().nullable(),
  columnsCount: z.number(),
  state,
  proposals: z.array(proposal),
  updatedBy: z.string().nullable(),
  updatedAt: z.string(),
});

export const columnMetaDto = z.object({
  name: z.string(),
  type: z.string().nullable(),
  nullable: z.boolean().nullable(),
  primaryKey: z.boolean(),
  foreignKey: z.object({ table: z.string(), column: z.string() }).nullable(),
  alias: z.string(),
  description: z.string(),
  tags: z.array(tagSchema),
  synonyms: z.array(z.string()),
  sampleValues: z.array(z.string()),
  state,
  renamedTo: z.string().nullable(),
  editedFields: z.array(z.string()),
  proposals: z.array(proposal),
  updatedBy: z.string().nullable(),
  updatedAt: z.string(),
});

export const tableDetailDto = tableMetaDto.extend({
  dataSourceId: z.string(),
  columns: z.array(columnMetaDto),
  relationships: z.array(
    z.object({ columns: z.array(z.string()), referencedTable: z.string(), referencedColumns: z.array(z.string()), direction: z.enum(["outgoing", "incoming"]), table: z.string() }),
  ),
});

export const metaPatch = z.object({
  alias: z.string().max(200).optional(),
  description: z.string().max(4000).optional(),
  tags: z.array(z.string().max(30)).max(10).optional(),
  synonyms: z.array(z.string().max(100)).max(30).optional(),
});
