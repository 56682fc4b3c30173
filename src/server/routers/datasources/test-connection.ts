import "server-only";
import { testDataSource } from "../../services/datasources/status";
import { authedProcedure } from "../../trpc";
import { connectionTestDto, idInput } from "./dto";

export const testConnection = authedProcedure
  .input(idInput)
  .output(connectionTestDto)
  .mutation(({ ctx, input }) => testDataSource(ctx.principal, input.id));
