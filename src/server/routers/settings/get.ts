import "server-only";
import { getSettings } from "../../services/settings";
import { authedProcedure } from "../../trpc";
import { settingsDto } from "./dto";

export const get = authedProcedure.output(settingsDto).query(({ ctx }) => getSettings(ctx.principal));
