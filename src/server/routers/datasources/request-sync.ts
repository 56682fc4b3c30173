import "server-only";
import { requestSchemaSync } from "../../services/datasources/request-sync";
import { authedProcedure } from "../../trpc";
import { jobDto, toJobDto } from "../jobs/dto";
import { idInput } from "./dto";

/** Queues a schema sync (`jobs.get` polls it); `sync` is the synchronous form the editor uses. */
export const requestSync = authedProcedure
  .input(idInput)
  .output(jobDto)
  .mutation(async ({ ctx, input }) => toJobDto(await requestSchemaSync(ctx.principal, input.id)));
