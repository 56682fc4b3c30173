import "server-only";
import { createTRPCRouter } from "../../trpc";
import { get } from "./get";
import { mfaBegin, mfaConfirm, mfaDisable, mfaReset, mfaStatusProcedure } from "./mfa";
import { security } from "./security";
import { update } from "./update";

export const settingsRouter = createTRPCRouter({ get, update, security, mfaStatus: mfaStatusProcedure, mfaBegin, mfaConfirm, mfaDisable, mfaReset });
