import { generate } from "otplib";
import { describe, expect, it } from "vitest";
import { rest, signedInUser } from "@/test/rest-client";

const now = () => Math.floor(Date.now() / 1000);
/** The code of the time step `offset` steps from now (30 s each). */
const codeAt = (secret: string, offset = 0) => generate({ secret, epoch: now() + offset * 30 });

describe("REST /settings", () => {
  it("keeps user settings over the organisation's defaults; only admins change the organisation", async () => {
    const admin = await signedInUser("admin");
    const analyst = await signedInUser("analyst");

    const initial = await rest("GET", "/settings", { token: analyst.token });
    expect(initial.status).toBe(200);
    expect(initial.body).toMatchObject({ theme: "auto", timezone: "UTC", language: "en", editor_font_size: 14, can_edit_organization: false });

    const mine = await rest("PUT", "/settings", { token: analyst.token, body: { theme: "dark", timezone: "Europe/Berlin", editor_font_size: 16 } });
    expect(mine.status).toBe(200);
    expect(mine.body).toMatchObject({ theme: "dark", timezone: "Europe/Berlin", editor_font_size: 16 });
    expect(mine.body.overrides.sort()).toEqual(["editorFontSize", "theme", "timezone"]);

    const bad = await rest("PUT", "/settings", { token: analyst.token, body: { timezone: "Mars/Olympus", editor_font_size: 99 } });
    expect(bad.status).toBe(422);
    expect(JSON.stringify(bad.body)).toMatch(/timezone/);
    const noSource = await rest("PUT", "/settings", { token: analyst.token, body: { default_database_id: "no-such-source" } });
    expect(noSource.status).toBe(422);

    const refused = await rest("PUT", "/settings", { token: analyst.token, body: { organization: { language: "de" } } });
    expect(refused.status).toBe(403);
    const org = await rest("PUT", "/settings", { token: admin.token, body: { organization: { language: "de", theme: "light" } } });
    expect(org.status).toBe(200);
    expect(org.body.organization).toMatchObject({ language: "de", theme: "light" });

    // The analyst's own theme stays; the language they never set follows the organisation.
    const after = await rest("GET", "/settings", { token: analyst.token });
    expect(after.body).toMatchObject({ theme: "dark", language: "de" });
    const reset = await rest("PUT", "/settings", { token: analyst.token, body: { theme: null } });
    expect(reset.body.theme).toBe("light");
    await rest("PUT", "/settings", { token: admin.token, body: { organization: { language: "en", theme: "auto" } } });
  });

  it("reports the security configuration in force", async () => {
    const analyst = await signedInUser("analyst");
    const res = await rest("GET", "/settings/security", { token: analyst.token });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      mfa_enabled: false,
      mfa_available: true,
      encryption: "AES-256-GCM",
      rls_enabled: false,
      column_masking: true,
      password_min_length: 8,
      password_hashing: "argon2id",
      mfa_users_enrolled: null,
    });
    expect(res.body.rate_limits.requests_per_minute).toBeGreaterThan(0);
    expect((await rest("GET", "/settings/security")).status).toBe(401);
  });
});

describe("TOTP two-factor sign-in", () => {
  it("enrols with a first code, then REST login needs a fresh code or a recovery code (each once)", async () => {
    const u = await signedInUser("analyst");
    const start = await rest("POST", "/auth/mfa/enroll", { token: u.token });
    expect(start.status).toBe(200);
    const secret = start.body.secret as string;
    expect(start.body.otpauth_uri).toMatch(/^otpauth:\/\/totp\/.*secret=/);

    // Not on until confirmed: a password alone still signs in.
    expect((await rest("POST", "/auth/login", { body: { email: u.email, password: u.password } })).status).toBe(200);
    expect((await rest("POST", "/auth/mfa/confirm", { token: u.token, body: { code: "000000" } })).status).toBe(422);

    const first = await codeAt(secret);
    const confirm = await rest("POST", "/auth/mfa/confirm", { token: u.token, body: { code: first } });
    expect(confirm.status).toBe(200);
    const recovery = confirm.body.recovery_codes as string[];
    expect(recovery).toHaveLength(10);

    const noCode = await rest("POST", "/auth/login", { body: { email: u.email, password: u.password } });
    expect(noCode.status).toBe(401);
    expect(noCode.body.context).toMatchObject({ mfa_required: true });
    expect(noCode.body.access_token).toBeUndefined();

    // The code used to confirm cannot be replayed; a wrong one fails.
    expect((await rest("POST", "/auth/login", { body: { email: u.email, password: u.password, otp: first } })).status).toBe(401);
    expect((await rest("POST", "/auth/login", { body: { email: u.email, password: u.password, otp: "123456" === first ? "654321" : "123456" } })).status).toBe(401);

    const next = await codeAt(secret, 1);
    const ok = await rest("POST", "/auth/login", { body: { email: u.email, password: u.password, totp_code: next } });
    expect(ok.status).toBe(200);
    expect(ok.body.access_token).toBeTruthy();
    // A wrong password with a valid code is still refused.
    expect((await rest("POST", "/auth/login", { body: { email: u.email, password: "wrong-password-1", otp: await codeAt(secret, -1) } })).status).toBe(401);

    const viaRecovery = await rest("POST", "/auth/login", { form: { username: u.email, password: u.password, otp: recovery[0]!.toUpperCase() } });
    expect(viaRecovery.status).toBe(200);
    expect((await rest("POST", "/auth/login", { body: { email: u.email, password: u.password, otp: recovery[0] } })).status).toBe(401);

    const security = await rest("GET", "/settings/security", { token: ok.body.access_token });
    expect(security.body.mfa_enabled).toBe(true);

    expect((await rest("POST", "/auth/mfa/disable", { token: ok.body.access_token, body: { code: "111111" } })).status).toBe(422);
    expect((await rest("POST", "/auth/mfa/disable", { token: ok.body.access_token, body: { code: recovery[1] } })).status).toBe(200);
    expect((await rest("POST", "/auth/login", { body: { email: u.email, password: u.password } })).status).toBe(200);
  });
});
