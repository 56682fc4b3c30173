import "server-only";
import { updateDataSource } from "../../services/datasources/crud";
import { adminProcedure } from "../../trpc";
import { dataSourceDto, dataSourceInput, idInput } from "./dto";

export const update = adminProcedure
  .input(idInput.extend({ patch: dataSourceInput.partial() }))
  .output(dataSourceDto)
  .mutation(({ ctx, input }) => updateDataSource(ctx.principal, input.id, input.patch));
