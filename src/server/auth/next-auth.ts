import "server-only";
import { randomUUID } from "node:crypto";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { isAppError } from "../errors";
import { CLIENT_IP_HEADER } from "../context";
import { authenticate } from "../services/auth/account";
import { getAuthSecret } from "../services/auth/secrets";
import { revokeTokenId } from "../services/auth/tokens";

/** UI sessions last a working day; REST clients use bearer tokens instead. */
export const UI_SESSION_MAX_AGE = 12 * 3600;

/**
 * next-auth for the browser: the credentials provider checks passwords through the
 * same `authenticate` service as the REST login (one user store, one throttle, one
 * audit trail). Sessions are JWT cookies carrying a session id (`sid`) that logout
 * revokes, and the user's id; role and activity are re-read on every request.
 */
export function authOptions(): NextAuthOptions {
  return {
    secret: getAuthSecret(),
    session: { strategy: "jwt", maxAge: UI_SESSION_MAX_AGE },
    pages: { signIn: "/login" },
    providers: [
      CredentialsProvider({
        name: "Quarry",
        credentials: {
          identifier: { label: "Email or username", type: "text" },
          password: { label: "Password", type: "password" },
          otp: { label: "Two-factor code", type: "text" },
        },
        async authorize(credentials, req) {
          const identifier = credentials?.identifier ?? "";
          const password = credentials?.password ?? "";
          if (!identifier || !password) throw new Error("Enter your email or username and password");
          const headers = (req?.headers ?? {}) as Record<string, string | undefined>;
          try {
            const user = await authenticate(identifier, password, {
              ip: headers[CLIENT_IP_HEADER] ?? "",
              userAgent: headers["user-agent"] ?? "",
            }, credentials?.otp || undefined);
            return { id: user.id, email: user.email, name: user.fullName || user.username };
          } catch (error) {
            // next-auth hands the message to the sign-in form as `error`.
            if (isAppError(error)) throw new Error(error.message);
            throw new Error("Sign-in is unavailable right now");
          }
        },
      }),
    ],
    callbacks: {
      async jwt({ token, user }) {
        if (user) {
          token.sub = user.id;
          token.sid = randomUUID();
          token.iat_ms = Date.now();
        }
        return token;
      },
      async session({ session, token }) {
        return { ...session, userId: token.sub };
      },
    },
    events: {
      async signOut({ token }) {
        if (typeof token?.sid === "string") {
          const exp = typeof token.exp === "number" ? token.exp * 1000 : Date.now() + UI_SESSION_MAX_AGE * 1000;
          await revokeTokenId(token.sid, new Date(exp));
        }
      },
    },
  };
}
