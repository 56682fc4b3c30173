import "server-only";
import { getSettings } from "../../services/settings";
import { authedProcedure } from "../../trpc";
import { principalOf } from "../principal";
import { settingsDto } from "./dto";

export const get = authedProcedure.output(settingsDto).query(({ ctx }) => getSettings(principalOf(ctx)));
