import "server-only";
import { z } from "zod";
import { LANGUAGES } from "../../services/settings";

const userSettings = z.object({
  theme: z.enum(["light", "dark", "auto"]),
  timezone: z.string(),
  language: z.enum(LANGUAGES),
  defaultDataSourceId: z.string().nullable(),
  editorFontSize: z.number(),
});
const orgSettings = userSettings.omit({ defaultDataSourceId: true }).extend({ name: z.string(), requireMfa: z.boolean() });

export const settingsDto = z.object({
  user: userSettings,
  overrides: z.array(z.string()),
  organization: orgSettings,
  mfa: z.object({ enabled: z.boolean(), required: z.boolean(), recoveryCodesLeft: z.number() }),
  canEditOrganization: z.boolean(),
});

/** Shapes only; the service validates values (time zones, font sizes, data source access). */
export const settingsPatch = z.object({
  user: z
    .object({
      theme: z.string().max(20).nullable(),
      timezone: z.string().max(64).nullable(),
      language: z.string().max(10).nullable(),
      defaultDataSourceId: z.string().max(100).nullable(),
      editorFontSize: z.number().nullable(),
    })
    .partial()
    .optional(),
  organization: z
    .object({ name: z.string().max(100), theme: z.string().max(20), timezone: z.string().max(64), language: z.string().max(10), editorFontSize: z.number(), requireMfa: z.boolean() })
    .partial()
    .optional(),
});

export const securityDto = z.object({
  encryption: z.object({ atRest: z.string(), covers: z.array(z.string()), keySource: z.enum(["environment", "key-file"]), transport: z.string() }),
  passwordPolicy: z.object({ hashing: z.string(), minLength: z.number(), lockout: z.object({ maxFailures: z.number(), lockoutSeconds: z.number() }) }),
  rateLimits: z.object({ requestsPerMinute: z.number(), queriesPerMinute: z.number(), loginLockout: z.boolean(), scope: z.string() }),
  mfa: z.object({ available: z.boolean(), method: z.string(), enforced: z.boolean(), enabledForYou: z.boolean(), usersEnrolled: z.number().nullable() }),
  dataProtection: z.object({ rowLevelSecurity: z.boolean(), columnMasking: z.boolean(), readOnlyQueries: z.boolean(), writesNeedApproval: z.boolean() }),
  sessions: z.object({ accessTokenTtlSeconds: z.number(), refreshTokenTtlSeconds: z.number() }),
});

export const codeInput = z.object({ code: z.string().trim().min(1, "code is required").max(64) });
