import { handleRestRequest } from "@/server/rest/handler";
import { createUser } from "@/server/services/auth/users";
import type { Role } from "@/lib/roles";

/** Calls the REST adapter in-process, exactly as the Next route handler does. */
export async function rest(
  method: string,
  path: string,
  options: { token?: string; body?: unknown; form?: Record<string, string>; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: any; headers: Headers }> {
  const headers: Record<string, string> = { "x-quarry-client-ip": "127.0.0.1", ...options.headers };
  let body: string | undefined;
  if (options.form) {
    headers["content-type"] ??= "application/x-www-form-urlencoded";
    body = new URLSearchParams(options.form).toString();
  } else if (options.body !== undefined) {
    headers["content-type"] ??= "application/json";
    body = typeof options.body === "string" ? options.body : JSON.stringify(options.body);
  }
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const response = await handleRestRequest(
    new Request(`http://localhost/api/v1${path}`, { method, headers, body }),
  );
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    /* non-JSON bodies stay text */
  }
  return { status: response.status, body: parsed, headers: response.headers };
}

let counter = 0;

/** Creates a user and signs them in through the REST login; returns the tokens. */
export async function signedInUser(role: Role = "analyst", password = "correct-horse-9") {
  counter += 1;
  const email = `${role}${counter}-${Date.now()}@example.test`;
  const user = await createUser({ email, password, role, fullName: `Test ${role}` });
  const login = await rest("POST", "/auth/login", { body: { email, password } });
  if (login.status !== 200) throw new Error(`login failed: ${JSON.stringify(login.body)}`);
  return { user, email, password, token: login.body.access_token as string, refreshToken: login.body.refresh_token as string };
}
