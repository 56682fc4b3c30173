import "server-only";
import { z } from "zod";
import type { SchemaTable } from "../../connectors/types";
import type { UserPrincipal } from "../../services/principal";
import { defaultDataSourceId } from "../../services/datasources/crud";
import { findSchemaTable } from "../../services/datasources/schema-table";
import { cachedSchema } from "../../services/datasources/status";
import { defineRoute } from "../route";

/** Analytics Assistant's `/schema`: the cached schema of one data source (default: the caller's first). */
type Table = SchemaTable;

/**
 * The named data source's cached schema (an unknown or unreadable id is 404), or the
 * caller's default one's when none is named. The adapter fills all three spellings in.
 */
async function schemaOf(principal: UserPrincipal, query: z.infer<typeof which>) {
  const id = query.database_id ?? query.data_source_id ?? query.connection_id ?? (await defaultDataSourceId(principal.user));
  return { ...(await cachedSchema(principal, id)), dataSourceId: id };
}

const which = z.object({
  database_id: z.string().max(100).optional(),
  data_source_id: z.string().max(100).optional(),
  connection_id: z.string().max(100).optional(),
});

const text = z.string();
const restTable = z.object({
  name: text, schema: text.nullable(), type: z.enum(["table", "view"]), row_count: z.number().nullable(), primary_key: z.array(text),
  columns: z.array(z.object({ name: text, type: text, nullable: z.boolean(), primary_key: z.boolean(), default: text.nullable() })),
  foreign_keys: z.array(z.object({ columns: z.array(text), referenced_table: text, referenced_columns: z.array(text) })),
});
const restRelationship = z.object({ from_table: text, from_columns: z.array(text), to_table: text, to_columns: z.array(text) });

const tableBody = (t: Table): z.infer<typeof restTable> => ({
  name: t.name,
  schema: t.schema ?? null,
  type: t.type,
  row_count: t.approxRowCount,
  primary_key: t.primaryKey,
  columns: t.columns.map((c) => ({ name: c.name, type: c.type, nullable: c.nullable, primary_key: c.primaryKey, default: c.default ?? null })),
  foreign_keys: t.foreignKeys.map((fk) => ({ columns: fk.columns, referenced_table: fk.referencedTable, referenced_columns: fk.referencedColumns })),
});

const relationships = (tables: Table[]) =>
  tables.flatMap((t) =>
    t.foreignKeys.map((fk) => ({ from_table: t.name, from_columns: fk.columns, to_table: fk.referencedTable, to_columns: fk.referencedColumns })),
  );

const tag = "schema";

export const schemaRoutes = [
  defineRoute({
    method: "GET", path: "/schema", format: "insight", auth: "user", procedure: "datasources.schema", tag,
    summary: "Tables, columns and relationships of a database", query: which,
    response: z.object({ database_id: text, tables: z.array(restTable), relationships: z.array(restRelationship), last_synced: text }),
    async handle({ principal, query }) {
      const s = await schemaOf(principal, query);
      return {
        body: {
          database_id: s.dataSourceId,
          tables: s.schema.tables.map(tableBody),
          relationships: relationships(s.schema.tables),
          last_synced: s.lastSynced,
        },
      };
    },
  }),
  defineRoute({
    method: "GET", path: "/schema/tables", format: "insight", auth: "user", procedure: "datasources.schema", tag,
    summary: "Table names", query: which,
    response: z.object({ database_id: text, tables: z.array(text), total: z.number() }),
    async handle({ principal, query }) {
      const s = await schemaOf(principal, query);
      return { body: { database_id: s.dataSourceId, tables: s.schema.tables.map((t) => t.name), total: s.schema.tables.length } };
    },
  }),
  defineRoute({
    method: "GET", path: "/schema/tables/:table_name", format: "insight", auth: "user", procedure: "datasources.table", tag,
    summary: "One table in detail", query: which, response: restTable.extend({ database_id: text }),
    async handle({ principal, query, params }) {
      const s = await schemaOf(principal, query);
      return { body: { database_id: s.dataSourceId, ...tableBody(findSchemaTable(s.schema, params.table_name!)) } };
    },
  }),
  defineRoute({
    method: "GET", path: "/schema/relationships", format: "insight", auth: "user", procedure: "datasources.schema", tag,
    summary: "Foreign-key relationships", query: which,
    response: z.object({ database_id: text, relationships: z.array(restRelationship) }),
    async handle({ principal, query }) {
      const s = await schemaOf(principal, query);
      return { body: { database_id: s.dataSourceId, relationships: relationships(s.schema.tables) } };
    },
  }),
];
