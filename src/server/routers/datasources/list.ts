import "server-only";
import { z } from "zod";
import { listDataSources } from "../../services/datasources/crud";
import { authedProcedure } from "../../trpc";
import { dataSourceDto } from "./dto";

/** Only the data sources some group lets the caller read (admins see all). */
export const list = authedProcedure
  .output(z.array(dataSourceDto))
  .query(({ ctx }) => listDataSources(ctx.principal));
