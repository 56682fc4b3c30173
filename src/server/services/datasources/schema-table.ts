import "server-only";
import type { SchemaSnapshot, SchemaTable } from "../../connectors/types";
import { notFound } from "../../errors";

/**
 * One table or view of a schema snapshot by name: exact (`name` or `schema.name`) first,
 * then case-insensitive. 404 when there is none.
 */
export function findSchemaTable(snapshot: SchemaSnapshot, table: string): SchemaTable {
  const wanted = table.toLowerCase();
  const found =
    snapshot.tables.find((t) => t.name === table || `${t.schema}.${t.name}` === table) ??
    snapshot.tables.find((t) => t.name.toLowerCase() === wanted);
  if (!found) throw notFound("Table", table);
  return found;
}
