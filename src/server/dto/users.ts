import "server-only";
import { z } from "zod";
import type { UserRecord } from "../services/auth/users";
import { toUserDto, userDto } from "./auth";

export const managedUserDto = userDto.extend({ updatedAt: z.string() });
export type ManagedUserDto = z.infer<typeof managedUserDto>;

export const toManagedUserDto = (user: UserRecord): ManagedUserDto => ({
  ...toUserDto(user),
  updatedAt: user.updatedAt.toISOString(),
});

export const userDetailDto = managedUserDto.extend({
  groups: z.array(z.object({ id: z.string(), name: z.string() })),
});

export const userIdInput = z.object({ id: z.string().trim().min(1, "id is required").max(100) });

export const emailField = z.string().trim().email("a valid email is required").max(320);
export const usernameField = z
  .string()
  .trim()
  .min(2)
  .max(64)
  .regex(/^[a-zA-Z0-9_.-]+$/, "letters, digits, '_', '.' and '-' only");
export const fullNameField = z.string().trim().max(200);

export const pageInput = {
  page: z.number().int().min(1).default(1),
  pageSize: z.number().int().min(1).max(200).default(50),
};

export const messageDto = z.object({ message: z.string() });
