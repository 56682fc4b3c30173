import "server-only";
import { z } from "zod";
import { toTokensDto, toUserDto, type TokensDto, type UserDto } from "../../dto/auth";
import { unauthorized } from "../../errors";
import { changePassword, login, logout, refresh, register, type SignedIn } from "../../services/auth/account";
import { findUserById } from "../../services/auth/users";
import { requireSession } from "../direct";
import { defineRoute } from "../route";

/** The user object every seed's auth answers carry, in snake_case. */
export const restUser = z.object({
  id: z.string(),
  email: z.string(),
  username: z.string(),
  name: z.string(),
  full_name: z.string(),
  role: z.string(),
  is_active: z.boolean(),
  created_at: z.string(),
  last_login: z.string().nullable(),
});

export const toRestUser = (user: UserDto): z.infer<typeof restUser> => ({
  id: user.id,
  email: user.email,
  username: user.username,
  name: user.fullName || user.username,
  full_name: user.fullName,
  role: user.role,
  is_active: user.isActive,
  created_at: user.createdAt,
  last_login: user.lastLoginAt,
});

const restTokens = z.object({
  access_token: z.string(),
  refresh_token: z.string(),
  token_type: z.literal("bearer"),
  token: z.string(),
  expires_in: z.number(),
});

const toRestTokens = (tokens: TokensDto): z.infer<typeof restTokens> => ({
  access_token: tokens.accessToken,
  refresh_token: tokens.refreshToken,
  token_type: "bearer",
  // QueryBase clients read `token`; the others read `access_token`.
  token: tokens.accessToken,
  expires_in: tokens.expiresIn,
});

const signedIn = restTokens.extend({ user: restUser });
const toSignedIn = ({ user, tokens }: SignedIn) => ({ ...toRestTokens(toTokensDto(tokens)), user: toRestUser(toUserDto(user)) });

const loginBody = z
  .object({
    email: z.string().trim().min(1).max(320).optional(),
    username: z.string().trim().min(1).max(320).optional(),
    identifier: z.string().trim().min(1).max(320).optional(),
    password: z.string({ error: "password is required" }).min(1, "password is required").max(1024),
    /** Two-factor sign-in: the authenticator's code (any of these spellings) or a recovery code. */
    otp: z.string().trim().max(64).optional(),
    totp_code: z.string().trim().max(64).optional(),
    mfa_code: z.string().trim().max(64).optional(),
  })
  .refine((b) => b.email ?? b.username ?? b.identifier, {
    message: "email or username is required",
    path: ["email"],
  });

export const authRoutes = [
  defineRoute({
    method: "POST",
    path: "/auth/login",
    format: "querybase",
    auth: "public",
    procedure: "auth.login",
    tag: "auth",
    summary: "Sign in with email or username and password (JSON or form-encoded)",
    body: loginBody,
    response: signedIn,
    async handle({ body, meta }) {
      const identifier = (body.email ?? body.username ?? body.identifier)!;
      return { body: toSignedIn(await login(identifier, body.password, meta, body.otp ?? body.totp_code ?? body.mfa_code)) };
    },
  }),
  defineRoute({
    method: "POST",
    path: "/auth/register",
    format: "etl",
    auth: "public",
    procedure: "auth.register",
    tag: "auth",
    summary: "Create an account (role viewer) and sign in",
    successStatus: 201,
    body: z.object({
      email: z.string({ error: "email is required" }).trim().email("a valid email is required").max(320),
      username: z.string().trim().min(2).max(64).regex(/^[a-zA-Z0-9_.-]+$/, "letters, digits, '_', '.' and '-' only").optional(),
      full_name: z.string().trim().max(200).optional(),
      password: z.string({ error: "password is required" }).min(8, "at least 8 characters").max(256),
    }),
    response: restUser.extend(restTokens.shape).extend({ user: restUser }),
    async handle({ body, meta }) {
      const result = await register(
        { email: body.email, username: body.username, fullName: body.full_name, password: body.password },
        meta,
      );
      return { body: { ...toRestUser(toUserDto(result.user)), ...toSignedIn(result) } };
    },
  }),
  defineRoute({
    method: "POST",
    path: "/auth/refresh",
    format: "etl",
    auth: "public",
    procedure: "auth.refresh",
    tag: "auth",
    summary: "Exchange a refresh token (body or bearer) for a new token pair",
    body: z.object({ refresh_token: z.string().min(1).max(4096).optional() }),
    response: signedIn,
    async handle({ body, meta, bearerToken }) {
      const token = body.refresh_token ?? bearerToken;
      if (!token) throw unauthorized("A refresh_token is required");
      return { body: toSignedIn(await refresh(token, meta)) };
    },
  }),
  defineRoute({
    method: "POST",
    path: "/auth/logout",
    format: "insight",
    auth: "user",
    procedure: "auth.logout",
    tag: "auth",
    summary: "Revoke this access token (and the refresh token, when sent); `everywhere` signs out all sessions",
    body: z.object({
      refresh_token: z.string().max(4096).optional(),
      everywhere: z.boolean().optional(),
    }),
    response: z.object({ message: z.string() }),
    async handle({ session, body, meta }) {
      await logout(requireSession(session), { refreshToken: body.refresh_token, everywhere: body.everywhere }, meta);
      return { body: { message: body.everywhere ? "Signed out on every device" : "Signed out" } };
    },
  }),
  defineRoute({
    method: "GET",
    path: "/auth/me",
    format: "querybase",
    auth: "user",
    procedure: "auth.me",
    tag: "auth",
    summary: "The signed-in user",
    response: restUser,
    async handle({ principal }) {
      const user = await findUserById(principal.user.id);
      if (!user) throw unauthorized("The account no longer exists");
      return { body: toRestUser(toUserDto(user)) };
    },
  }),
  defineRoute({
    method: "POST",
    path: "/auth/change-password",
    format: "querybase",
    auth: "user",
    procedure: "auth.changePassword",
    tag: "auth",
    summary: "Change your password; other sessions are signed out and a fresh token pair is returned",
    body: z.object({
      current_password: z.string({ error: "current_password is required" }).min(1).max(256),
      new_password: z.string({ error: "new_password is required" }).min(8, "at least 8 characters").max(256),
    }),
    response: restTokens.extend({ message: z.string() }),
    async handle({ session, body, meta }) {
      const tokens = await changePassword(requireSession(session), body.current_password, body.new_password, meta);
      return { body: { message: "Password changed successfully", ...toRestTokens(toTokensDto(tokens)) } };
    },
  }),
];
