import { generate } from "otplib";
import { afterEach, describe, expect, it } from "vitest";
import { sessionFromBearer } from "@/server/services/auth/session";
import { rest, signedInUser } from "@/test/rest-client";

/** "Two-factor sign-in required" is enforced on REST and tRPC alike (services/settings/mfa-gate.ts). */
const codeNow = (secret: string) => generate({ secret, epoch: Math.floor(Date.now() / 1000) });

async function trpcAs(token: string) {
  const { createCaller } = await import("@/server/routers/_app");
  return createCaller({ session: await sessionFromBearer(token), sessionError: null, meta: {}, bearerToken: token });
}

const refusedForMfa = (res: { status: number; body: unknown }) => {
  expect(res.status).toBe(403);
  expect(JSON.stringify(res.body)).toContain("mfa_enrollment_required");
};

async function setRequired(adminToken: string, requireMfa: boolean) {
  const res = await rest("PUT", "/settings", { token: adminToken, body: { organization: { require_mfa: requireMfa } } });
  expect(res.status).toBe(200);
  expect(res.body.organization.require_mfa).toBe(requireMfa);
}

async function enrol(token: string) {
  const start = await rest("POST", "/auth/mfa/enroll", { token });
  expect(start.status).toBe(200);
  const confirm = await rest("POST", "/auth/mfa/confirm", { token, body: { code: await codeNow(start.body.secret as string) } });
  expect(confirm.status).toBe(200);
}

describe("requireMfa enforced", () => {
  let admin: Awaited<ReturnType<typeof signedInUser>> | null = null;
  afterEach(async () => {
    // The admin who turned the rule on has enrolled by then, so may turn it off again.
    if (admin) await setRequired(admin.token, false);
    admin = null;
  });

  it("leaves users without two-factor sign-in free while not required", async () => {
    const analyst = await signedInUser("analyst");
    expect((await rest("GET", "/saved-queries", { token: analyst.token })).status).toBe(200);
    expect((await rest("GET", "/approvals/counts", { token: analyst.token })).status).toBe(200);
    await expect((await trpcAs(analyst.token)).savedQueries.list({})).resolves.toBeTruthy();
  });

  it("closes everything but enrolment (REST and tRPC) until the user confirms a second factor, admins included", async () => {
    admin = await signedInUser("admin");
    const analyst = await signedInUser("analyst");
    await setRequired(admin.token, true);

    // REST, in each route's own format: insight and querybase.
    const insight = await rest("GET", "/saved-queries", { token: analyst.token });
    refusedForMfa(insight);
    expect(insight.body.error).toMatchObject({ code: "FORBIDDEN", details: { reason: "mfa_enrollment_required" } });
    const querybase = await rest("GET", "/approvals/counts", { token: analyst.token });
    refusedForMfa(querybase);
    expect(querybase.body.context).toMatchObject({ reason: "mfa_enrollment_required" });
    // tRPC: FORBIDDEN with the same reason.
    const caller = await trpcAs(analyst.token);
    await expect(caller.savedQueries.list({})).rejects.toMatchObject({ code: "FORBIDDEN", cause: { details: { reason: "mfa_enrollment_required" } } });
    // The admin who turned it on is held to it as well (settings too, so they cannot just turn it off again).
    refusedForMfa(await rest("GET", "/saved-queries", { token: admin.token }));
    refusedForMfa(await rest("PUT", "/settings", { token: admin.token, body: { organization: { require_mfa: false } } }));
    await expect((await trpcAs(admin.token)).users.list({})).rejects.toMatchObject({ code: "FORBIDDEN" });

    // Signing in still works, and so does everything enrolment needs.
    expect((await rest("POST", "/auth/login", { body: { email: analyst.email, password: analyst.password } })).status).toBe(200);
    expect((await rest("GET", "/auth/me", { token: analyst.token })).status).toBe(200);
    expect((await rest("GET", "/settings/security", { token: analyst.token })).body).toMatchObject({ mfa_enforced: true, mfa_enabled: false });
    await expect(caller.auth.me()).resolves.toMatchObject({ email: analyst.email });
    await expect(caller.settings.security()).resolves.toMatchObject({ mfa: { enforced: true, enabledForYou: false } });
    await expect(caller.settings.mfaStatus()).resolves.toMatchObject({ enabled: false });

    // Once confirmed, access is back at once (the cached answer is dropped by the write).
    await enrol(analyst.token);
    expect((await rest("GET", "/saved-queries", { token: analyst.token })).status).toBe(200);
    expect((await rest("GET", "/approvals/counts", { token: analyst.token })).status).toBe(200);
    await expect(caller.savedQueries.list({})).resolves.toBeTruthy();
    // The admin, not yet enrolled, is still held.
    refusedForMfa(await rest("GET", "/saved-queries", { token: admin.token }));
    await enrol(admin.token);
    expect((await rest("GET", "/saved-queries", { token: admin.token })).status).toBe(200);

    // An admin's reset of a user who lost their device sends them back to enrolment.
    await (await trpcAs(admin.token)).settings.mfaReset({ userId: analyst.user.id });
    refusedForMfa(await rest("GET", "/saved-queries", { token: analyst.token }));
  });

  it("lifts at once when the organisation stops requiring it", async () => {
    admin = await signedInUser("admin");
    const analyst = await signedInUser("analyst");
    await setRequired(admin.token, true);
    refusedForMfa(await rest("GET", "/saved-queries", { token: analyst.token }));
    await enrol(admin.token);
    await setRequired(admin.token, false);
    expect((await rest("GET", "/saved-queries", { token: analyst.token })).status).toBe(200);
    admin = null;
  });
});
