import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { rest } from "@/test/rest-client";
import { resetConfigForTests } from "@/server/config";
import { createUser } from "./users";
import { resetLoginThrottleForTests } from "./throttle";

/**
 * Wrong passwords count against the ACCOUNT (from one address), whatever spelling names
 * it, and wrong current passwords on change-password spend the same count.
 */
const MAX = 4;
process.env.QUARRY_LOGIN_MAX_FAILURES = String(MAX);
resetConfigForTests();
afterAll(() => {
  delete process.env.QUARRY_LOGIN_MAX_FAILURES;
  resetConfigForTests();
});
beforeEach(() => resetLoginThrottleForTests());

let n = 0;
async function account() {
  n += 1;
  const email = `throttled${n}@example.test`;
  const username = `throttled_${n}`;
  const password = "right-password-1";
  const user = await createUser({ email, username, password, role: "analyst" });
  return { user, email, username, password };
}

const loginFrom = (ip: string, body: Record<string, string | undefined>) =>
  rest("POST", "/auth/login", { body, headers: { "x-quarry-client-ip": ip } });

describe("login throttling per account", () => {
  it("counts email, username, case and surrounding spaces as one account", async () => {
    const { email, username, password } = await account();
    const spellings = [
      { email },
      { username },
      { email: `  ${email.toUpperCase()}  ` },
      { email: ` ${email}` },
    ];
    for (const who of spellings.slice(0, MAX)) {
      expect((await loginFrom("10.0.0.1", { ...who, password: "wrong-password" })).status).toBe(401);
    }
    for (const who of [{ email }, { username }, { username: ` ${username} ` }, { email: email.toUpperCase() }]) {
      const locked = await loginFrom("10.0.0.1", { ...who, password });
      expect(locked.status, JSON.stringify(who)).toBe(429);
      expect(locked.body.error).toBe("rate limit exceeded");
      expect(Number(locked.headers.get("retry-after"))).toBeGreaterThan(0);
    }
  });

  it("form-encoded username and JSON email share the count", async () => {
    const { email, username, password } = await account();
    for (let i = 0; i < MAX; i++) {
      const res =
        i % 2
          ? await rest("POST", "/auth/login", { form: { username, password: "wrong" }, headers: { "x-quarry-client-ip": "10.0.0.2" } })
          : await loginFrom("10.0.0.2", { email, password: "wrong" });
      expect(res.status).toBe(401);
    }
    expect((await loginFrom("10.0.0.2", { email, password })).status).toBe(429);
  });

  it("is keyed on the address too: another address still signs in", async () => {
    const { email, password } = await account();
    for (let i = 0; i < MAX; i++) await loginFrom("10.0.0.3", { email, password: "wrong" });
    expect((await loginFrom("10.0.0.3", { email, password })).status).toBe(429);
    expect((await loginFrom("10.0.0.4", { email, password })).status).toBe(200);
  });

  it("an unknown identifier is throttled by its normalised spelling", async () => {
    for (let i = 0; i < MAX; i++) {
      expect((await loginFrom("10.0.0.5", { email: i % 2 ? "Nobody@Example.test " : "nobody@example.test", password: "x" })).status).toBe(401);
    }
    expect((await loginFrom("10.0.0.5", { email: "NOBODY@example.test", password: "x" })).status).toBe(429);
  });
});

describe("change-password throttling", () => {
  async function signedIn(ip: string) {
    const acct = await account();
    const res = await loginFrom(ip, { email: acct.email, password: acct.password });
    expect(res.status).toBe(200);
    return { ...acct, token: res.body.access_token as string };
  }
  const change = (ip: string, token: string, current: string) =>
    rest("POST", "/auth/change-password", {
      token,
      body: { current_password: current, new_password: "a-new-password-2" },
      headers: { "x-quarry-client-ip": ip },
    });

  it("locks out after the same number of wrong current passwords, then refuses even the right one", async () => {
    const { token, password } = await signedIn("10.0.1.1");
    for (let i = 0; i < MAX; i++) {
      const res = await change("10.0.1.1", token, `wrong-${i}`);
      expect([400, 429]).toContain(res.status);
    }
    const locked = await change("10.0.1.1", token, password);
    expect(locked.status).toBe(429);
    expect(locked.body).toMatchObject({ error: "rate limit exceeded", code: "RATE_LIMITED" });
    expect(Number(locked.headers.get("retry-after"))).toBeGreaterThan(0);
  });

  it("shares the account's count with sign-in", async () => {
    const { token, email, password } = await signedIn("10.0.1.2");
    for (let i = 0; i < MAX; i++) await change("10.0.1.2", token, `wrong-${i}`);
    expect((await loginFrom("10.0.1.2", { email, password })).status).toBe(429);
  });

  it("a correct change clears the count", async () => {
    const { token, email, password } = await signedIn("10.0.1.3");
    for (let i = 0; i < MAX - 1; i++) expect((await change("10.0.1.3", token, "wrong")).status).toBe(400);
    const ok = await change("10.0.1.3", token, password);
    expect(ok.status).toBe(200);
    for (let i = 0; i < MAX - 1; i++) {
      expect((await loginFrom("10.0.1.3", { email, password: "wrong" })).status).toBe(401);
    }
    expect((await loginFrom("10.0.1.3", { email, password: "a-new-password-2" })).status).toBe(200);
  });
});
