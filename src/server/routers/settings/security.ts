import "server-only";
import { securityReport } from "../../services/settings";
import { authedProcedure } from "../../trpc";
import { securityDto } from "./dto";

export const security = authedProcedure.output(securityDto).query(({ ctx }) => securityReport(ctx.principal));
