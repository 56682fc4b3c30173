import "server-only";
import { z } from "zod";

/**
 * How QueryBase routes spell a result's `columns`. The document shows names
 * (`columns: ["id", "email"]`); QueryBase's real frontend (written against its real
 * backend) renders `column.name` from objects (`columns: [{name, type}]`). One JSON
 * field cannot be both, so the answer follows the caller:
 *
 * - `column_format=objects` (query or body) answers objects, `column_format=names` names;
 * - without it, a results request that pages the real backend's way (`per_page`,
 *   `sort_column` or `sort_direction`) answers objects, because that is the client that
 *   reads them; every other request answers the document's names.
 *
 * Either way `column_types` carries the objects (with `kind`), so a names reader that
 * wants types has them too.
 */
export const columnFormat = z.enum(["names", "objects"]).optional();
export type ColumnFormat = "names" | "objects";

interface Column {
  name: string;
  type: string;
  kind?: string;
}

export function resultColumns(columns: Column[], format: ColumnFormat) {
  return format === "objects" ? columns.map((c) => ({ name: c.name, type: c.type })) : columns.map((c) => c.name);
}

export const columnTypes = (columns: Column[]) => columns.map((c) => ({ name: c.name, type: c.type, kind: c.kind }));

export const restColumns = z.union([z.array(z.string()), z.array(z.object({ name: z.string(), type: z.string() }))]);
export const restColumnTypes = z.array(z.object({ name: z.string(), type: z.string(), kind: z.string().optional() }));
