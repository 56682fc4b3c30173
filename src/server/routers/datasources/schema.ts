import "server-only";
import { z } from "zod";
import { defaultDataSourceId } from "../../services/datasources/crud";
import { cachedSchema, syncSchema } from "../../services/datasources/status";
import { authedProcedure } from "../../trpc";
import { notFound } from "../../errors";
import { cachedSchemaDto, idInput, schemaTableDto } from "./dto";
import { callerPrincipal } from "../principal";

/** Without an id, the caller's default data source (the first they may read, demo first). */
export const schema = authedProcedure
  .input(z.object({ id: z.string().min(1).max(100).optional() }))
  .output(cachedSchemaDto.extend({ dataSourceId: z.string() }))
  .query(async ({ ctx, input }) => {
    const id = input.id ?? (await defaultDataSourceId(ctx.session.user));
    return { ...(await cachedSchema(callerPrincipal(ctx), id)), dataSourceId: id };
  });

export const sync = authedProcedure
  .input(idInput)
  .output(cachedSchemaDto)
  .mutation(({ ctx, input }) => syncSchema(callerPrincipal(ctx), input.id));

/** One table or view of the (cached) schema; 404 when the data source has none by that name. */
export const table = authedProcedure
  .input(z.object({ id: z.string().min(1).max(100).optional(), table: z.string().min(1).max(300) }))
  .output(schemaTableDto.extend({ dataSourceId: z.string() }))
  .query(async ({ ctx, input }) => {
    const id = input.id ?? (await defaultDataSourceId(ctx.session.user));
    const { schema: snapshot } = await cachedSchema(callerPrincipal(ctx), id);
    const wanted = input.table.toLowerCase();
    const found =
      snapshot.tables.find((t) => t.name === input.table || `${t.schema}.${t.name}` === input.table) ??
      snapshot.tables.find((t) => t.name.toLowerCase() === wanted);
    if (!found) throw notFound("Table", input.table);
    return { ...found, dataSourceId: id };
  });
