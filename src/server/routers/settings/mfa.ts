import "server-only";
import { z } from "zod";
import { beginMfaEnrollment, confirmMfaEnrollment, disableMfa, mfaStatus, resetMfaForUser } from "../../services/settings/mfa";
import { adminProcedure, authedProcedure } from "../../trpc";
import { codeInput } from "./dto";

export const mfaStatusProcedure = authedProcedure
  .output(z.object({ enabled: z.boolean(), enrolledAt: z.string().nullable(), recoveryCodesLeft: z.number() }))
  .query(({ ctx }) => mfaStatus(ctx.principal));

/** The secret and otpauth:// URI, shown once; nothing is on until `mfaConfirm`. */
export const mfaBegin = authedProcedure
  .output(z.object({ secret: z.string(), otpauthUri: z.string() }))
  .mutation(({ ctx }) => beginMfaEnrollment(ctx.principal));

/** The first code turns it on and answers the recovery codes (shown once). */
export const mfaConfirm = authedProcedure
  .input(codeInput)
  .output(z.object({ recoveryCodes: z.array(z.string()) }))
  .mutation(({ ctx, input }) => confirmMfaEnrollment(ctx.principal, input.code));

export const mfaDisable = authedProcedure
  .input(codeInput)
  .output(z.object({ ok: z.literal(true) }))
  .mutation(async ({ ctx, input }) => {
    await disableMfa(ctx.principal, input.code);
    return { ok: true as const };
  });

export const mfaReset = adminProcedure
  .input(z.object({ userId: z.string().min(1).max(100) }))
  .output(z.object({ ok: z.literal(true) }))
  .mutation(async ({ ctx, input }) => {
    await resetMfaForUser(ctx.principal, input.userId);
    return { ok: true as const };
  });
