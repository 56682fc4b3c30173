import "server-only";
import { securityReport } from "../../services/settings";
import { authedProcedure } from "../../trpc";
import { principalOf } from "../principal";
import { securityDto } from "./dto";

export const security = authedProcedure.output(securityDto).query(({ ctx }) => securityReport(principalOf(ctx)));
