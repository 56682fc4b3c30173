import "server-only";
import { getSavedQuery } from "../../services/saved-queries";
import { authedProcedure } from "../../trpc";
import { savedQueryDto, savedQueryId } from "./dto";

export const get = authedProcedure.input(savedQueryId).output(savedQueryDto).query(({ ctx, input }) => getSavedQuery(ctx.principal, input.id));
