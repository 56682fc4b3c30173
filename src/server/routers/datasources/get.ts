import "server-only";
import { getDataSource } from "../../services/datasources/crud";
import { authedProcedure } from "../../trpc";
import { dataSourceDto, idInput } from "./dto";

export const get = authedProcedure
  .input(idInput)
  .output(dataSourceDto)
  .query(({ ctx, input }) => getDataSource(ctx.principal, input.id));
