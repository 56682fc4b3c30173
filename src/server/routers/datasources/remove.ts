import "server-only";
import { z } from "zod";
import { deleteDataSource } from "../../services/datasources/crud";
import { adminProcedure } from "../../trpc";
import { idInput } from "./dto";

export const remove = adminProcedure
  .input(idInput)
  .output(z.object({ message: z.string() }))
  .mutation(async ({ ctx, input }) => {
    await deleteDataSource(ctx.principal, input.id);
    return { message: "Data source deleted successfully" };
  });
