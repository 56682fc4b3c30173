import "server-only";
import { updateSettings, type SettingsPatch } from "../../services/settings";
import { authedProcedure } from "../../trpc";
import { settingsDto, settingsPatch } from "./dto";

/** Own preferences; `organization` needs an admin. */
export const update = authedProcedure
  .input(settingsPatch)
  .output(settingsDto)
  .mutation(({ ctx, input }) => updateSettings(ctx.principal, input as SettingsPatch));
