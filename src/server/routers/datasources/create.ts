import "server-only";
import { createDataSource } from "../../services/datasources/crud";
import { adminProcedure } from "../../trpc";
import { dataSourceDto, dataSourceInput } from "./dto";

export const create = adminProcedure
  .input(dataSourceInput)
  .output(dataSourceDto)
  .mutation(({ ctx, input }) => createDataSource(ctx.principal, input));
