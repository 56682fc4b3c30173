import "server-only";
import { z } from "zod";
import { defaultDataSourceId } from "../../services/datasources/crud";
import { cachedSchema, syncSchema } from "../../services/datasources/status";
import { authedProcedure } from "../../trpc";
import { findSchemaTable } from "../../services/datasources/schema-table";
import { cachedSchemaDto, idInput, schemaTableDto } from "./dto";

/** Without an id, the caller's default data source (the first they may read, demo first). */
export const schema = authedProcedure
  .input(z.object({ id: z.string().min(1).max(100).optional() }))
  .output(cachedSchemaDto.extend({ dataSourceId: z.string() }))
  .query(async ({ ctx, input }) => {
    const id = input.id ?? (await defaultDataSourceId(ctx.session.user));
    return { ...(await cachedSchema(ctx.principal, id)), dataSourceId: id };
  });

export const sync = authedProcedure
  .input(idInput)
  .output(cachedSchemaDto)
  .mutation(({ ctx, input }) => syncSchema(ctx.principal, input.id));

/** One table or view of the (cached) schema; 404 when the data source has none by that name. */
export const table = authedProcedure
  .input(z.object({ id: z.string().min(1).max(100).optional(), table: z.string().min(1).max(300) }))
  .output(schemaTableDto.extend({ dataSourceId: z.string() }))
  .query(async ({ ctx, input }) => {
    const id = input.id ?? (await defaultDataSourceId(ctx.session.user));
    const { schema: snapshot } = await cachedSchema(ctx.principal, id);
    return { ...findSchemaTable(snapshot, input.table), dataSourceId: id };
  });
