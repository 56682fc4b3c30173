import "server-only";
import { z } from "zod";
import { listVersions } from "../../services/saved-queries";
import { authedProcedure } from "../../trpc";
import { savedQueryId, versionDto } from "./dto";

export const versions = authedProcedure.input(savedQueryId).output(z.array(versionDto)).query(({ ctx, input }) => listVersions(ctx.principal, input.id));
