import "server-only";
import { checkHealth } from "../../services/system/health";
import { healthOutput } from "../../dto/system";
import { publicProcedure } from "../../trpc";

export { healthOutput };

export const health = publicProcedure.output(healthOutput).query(() => checkHealth());
