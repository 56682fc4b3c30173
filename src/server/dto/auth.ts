import "server-only";
import { z } from "zod";
import { ROLES } from "@/lib/roles";
import type { IssuedTokens } from "../services/auth/tokens";
import type { UserRecord } from "../services/auth/users";

/** A user as every API shows them. */
export const userDto = z.object({
  id: z.string(),
  email: z.string(),
  username: z.string(),
  fullName: z.string(),
  role: z.enum(ROLES),
  isActive: z.boolean(),
  createdAt: z.string(),
  lastLoginAt: z.string().nullable(),
});
export type UserDto = z.infer<typeof userDto>;

export const toUserDto = (user: UserRecord): UserDto => ({
  id: user.id,
  email: user.email,
  username: user.username,
  fullName: user.fullName,
  role: user.role,
  isActive: user.isActive,
  createdAt: user.createdAt.toISOString(),
  lastLoginAt: user.lastLoginAt?.toISOString() ?? null,
});

export const tokensDto = z.object({
  accessToken: z.string(),
  refreshToken: z.string(),
  tokenType: z.literal("bearer"),
  expiresIn: z.number().int(),
});
export type TokensDto = z.infer<typeof tokensDto>;

export const toTokensDto = (tokens: IssuedTokens): TokensDto => ({
  accessToken: tokens.accessToken,
  refreshToken: tokens.refreshToken,
  tokenType: "bearer",
  expiresIn: tokens.expiresIn,
});

export const signedInDto = z.object({ user: userDto, tokens: tokensDto });
export type SignedInDto = z.infer<typeof signedInDto>;

export const messageDto = z.object({ message: z.string() });
