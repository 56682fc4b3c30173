import "server-only";
import { z } from "zod";
import { config } from "../../config";
import { db } from "../../db";
import { forbidden, validationFailed } from "../../errors";
import { accessTo } from "../access";
import { recordAudit } from "../audit";
import { MIN_PASSWORD_LENGTH } from "../auth/passwords";
import { auditActorOf, requireActingUser, type Principal } from "../principal";
import { mfaStatus } from "./mfa";

/**
 * Preferences per user, over the organisation's defaults (which admins set). A user's row
 * holds only what they changed, so a new organisation default reaches everyone else.
 */
const isTimeZone = (tz: string) => {
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};

export const LANGUAGES = ["en", "de", "fr", "es", "pt", "it", "nl", "ja", "zh"] as const;

export const userSettingsSchema = z.object({
  theme: z.enum(["light", "dark", "auto"]),
  timezone: z.string().max(64).refine(isTimeZone, "an IANA time zone such as Europe/Berlin or UTC"),
  language: z.enum(LANGUAGES),
  defaultDataSourceId: z.string().max(100).nullable(),
  editorFontSize: z.number().int().min(10).max(24),
});
export type UserSettings = z.infer<typeof userSettingsSchema>;

export const orgSettingsSchema = userSettingsSchema.omit({ defaultDataSourceId: true }).extend({
  name: z.string().trim().min(1).max(100),
  /** Everyone must turn two-factor sign-in on (those without it are asked to at once). */
  requireMfa: z.boolean(),
});
export type OrgSettings = z.infer<typeof orgSettingsSchema>;

const ORG_KEY = "org.settings";
const ORG_DEFAULTS: OrgSettings = { name: "Quarry", theme: "auto", timezone: "UTC", language: "en", editorFontSize: 14, requireMfa: false };

const parseObject = (text: string | undefined): Record<string, unknown> => {
  try {
    const v = text ? (JSON.parse(text) as unknown) : {};
    return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
};

/** Stored values that no longer validate (an old time zone name, …) fall back to the default. */
function valid<T extends z.ZodRawShape>(schema: z.ZodObject<T>, raw: Record<string, unknown>) {
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(schema.shape)) {
    if (key in raw && (field as z.ZodType).safeParse(raw[key]).success) out[key] = raw[key];
  }
  return out;
}

export async function orgSettings(): Promise<OrgSettings> {
  const row = await db.appSetting.findUnique({ where: { key: ORG_KEY } });
  return { ...ORG_DEFAULTS, ...valid(orgSettingsSchema, parseObject(row?.value)) } as OrgSettings;
}

export interface SettingsView {
  user: UserSettings;
  /** What the user changed (the rest comes from the organisation). */
  overrides: (keyof UserSettings)[];
  organization: OrgSettings;
  mfa: { enabled: boolean; required: boolean; recoveryCodesLeft: number };
  /** Admins may change `organization`. */
  canEditOrganization: boolean;
}

export async function getSettings(principal: Principal): Promise<SettingsView> {
  const user = requireActingUser(principal);
  const [org, row, mfa] = await Promise.all([orgSettings(), db.userSetting.findUnique({ where: { userId: user.id } }), mfaStatus(principal)]);
  const mine = valid(userSettingsSchema, parseObject(row?.values));
  const { name: _name, requireMfa: _req, ...orgDefaults } = org;
  const effective = { ...orgDefaults, defaultDataSourceId: null, ...mine } as UserSettings;
  // A default source the user can no longer read is not offered.
  if (effective.defaultDataSourceId && !(await accessTo(user, effective.defaultDataSourceId)).canRead) effective.defaultDataSourceId = null;
  return {
    user: effective,
    overrides: Object.keys(mine) as (keyof UserSettings)[],
    organization: org,
    mfa: { enabled: mfa.enabled, required: org.requireMfa, recoveryCodesLeft: mfa.recoveryCodesLeft },
    canEditOrganization: user.role === "admin",
  };
}

export interface SettingsPatch {
  /** A value of null resets that setting to the organisation's default. */
  user?: { [K in keyof UserSettings]?: UserSettings[K] | null };
  organization?: Partial<OrgSettings>;
}

export async function updateSettings(principal: Principal, patch: SettingsPatch): Promise<SettingsView> {
  const user = requireActingUser(principal);
  if (patch.organization && Object.keys(patch.organization).length) {
    if (user.role !== "admin") throw forbidden("Only an admin may change the organisation's settings");
    const parsed = orgSettingsSchema.partial().safeParse(patch.organization);
    if (!parsed.success) throw validationFailed(parsed.error.issues.map((i) => ({ field: `organization.${i.path.join(".")}`, message: i.message })));
    const next = { ...(await orgSettings()), ...parsed.data };
    await db.appSetting.upsert({ where: { key: ORG_KEY }, create: { key: ORG_KEY, value: JSON.stringify(next) }, update: { value: JSON.stringify(next) } });
    await recordAudit(auditActorOf(principal), { action: "update_org_settings", resourceType: "settings", details: { changed: Object.keys(parsed.data) } });
  }
  if (patch.user && Object.keys(patch.user).length) {
    // null resets a setting to the organisation's default; for the default data source it means "none".
    const resets = Object.entries(patch.user).filter(([k, v]) => v === null && k !== "defaultDataSourceId").map(([k]) => k);
    const values = Object.fromEntries(Object.entries(patch.user).filter(([k]) => !resets.includes(k)));
    const parsed = userSettingsSchema.partial().safeParse(values);
    if (!parsed.success) throw validationFailed(parsed.error.issues.map((i) => ({ field: `user.${i.path.join(".")}`, message: i.message })));
    if (parsed.data.defaultDataSourceId && !(await accessTo(user, parsed.data.defaultDataSourceId)).canRead) {
      throw validationFailed([{ field: "user.defaultDataSourceId", message: "a data source you may read" }]);
    }
    const row = await db.userSetting.findUnique({ where: { userId: user.id } });
    const current = parseObject(row?.values);
    for (const key of resets) delete current[key];
    const next = JSON.stringify({ ...current, ...parsed.data });
    await db.userSetting.upsert({ where: { userId: user.id }, create: { userId: user.id, values: next }, update: { values: next } });
    await recordAudit(auditActorOf(principal), { action: "update_settings", resourceType: "settings", details: { changed: Object.keys(patch.user) } });
  }
  return getSettings(principal);
}

export interface SecurityReport {
  encryption: { atRest: string; covers: string[]; keySource: "environment" | "key-file"; transport: string };
  passwordPolicy: { hashing: string; minLength: number; lockout: { maxFailures: number; lockoutSeconds: number } };
  rateLimits: { requestsPerMinute: number; queriesPerMinute: number; loginLockout: boolean; scope: string };
  mfa: { available: boolean; method: string; enforced: boolean; enabledForYou: boolean; usersEnrolled: number | null };
  dataProtection: { rowLevelSecurity: boolean; columnMasking: boolean; readOnlyQueries: boolean; writesNeedApproval: boolean };
  sessions: { accessTokenTtlSeconds: number; refreshTokenTtlSeconds: number };
}

/** What is really in force on this server, read from its configuration and state (GET /settings/security). */
export async function securityReport(principal: Principal): Promise<SecurityReport> {
  const user = requireActingUser(principal);
  const c = config();
  const [org, mine, enrolled] = await Promise.all([
    orgSettings(),
    mfaStatus(principal),
    user.role === "admin" ? db.userMfa.count({ where: { enabledAt: { not: null } } }) : Promise.resolve(null),
  ]);
  return {
    encryption: {
      atRest: "AES-256-GCM",
      covers: ["data source credentials", "webhook signing secrets", "two-factor secrets"],
      keySource: c.QUARRY_ENCRYPTION_KEY ? "environment" : "key-file",
      transport: "TLS is terminated in front of Quarry (reverse proxy); Quarry itself serves HTTP",
    },
    passwordPolicy: {
      hashing: "argon2id",
      minLength: MIN_PASSWORD_LENGTH,
      lockout: { maxFailures: c.QUARRY_LOGIN_MAX_FAILURES, lockoutSeconds: c.QUARRY_LOGIN_LOCKOUT_SECONDS },
    },
    // Counted per user in each server process (services/rate-limit keeps them in memory).
    rateLimits: { requestsPerMinute: c.QUARRY_RATE_LIMIT_PER_MINUTE, queriesPerMinute: c.QUARRY_QUERY_RATE_LIMIT_PER_MINUTE, loginLockout: true, scope: "per user, per server process" },
    mfa: { available: true, method: "TOTP (RFC 6238) with recovery codes", enforced: org.requireMfa, enabledForYou: mine.enabled, usersEnrolled: enrolled },
    // Quarry grants per data source and masks personal columns; it does not add row-level policies.
    dataProtection: { rowLevelSecurity: false, columnMasking: true, readOnlyQueries: true, writesNeedApproval: true },
    sessions: { accessTokenTtlSeconds: c.QUARRY_ACCESS_TOKEN_TTL, refreshTokenTtlSeconds: c.QUARRY_REFRESH_TOKEN_TTL },
  };
}
