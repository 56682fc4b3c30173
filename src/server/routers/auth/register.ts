import "server-only";
import { z } from "zod";
import { register as registerService } from "../../services/auth/account";
import { MIN_PASSWORD_LENGTH } from "../../services/auth/passwords";
import { publicProcedure } from "../../trpc";
import { signedInDto, toTokensDto, toUserDto } from "./dto";

export const registerInput = z.object({
  email: z.string().trim().email("a valid email is required").max(320),
  username: z
    .string()
    .trim()
    .min(2)
    .max(64)
    .regex(/^[a-zA-Z0-9_.-]+$/, "letters, digits, '_', '.' and '-' only")
    .optional(),
  fullName: z.string().trim().max(200).optional(),
  password: z.string().min(MIN_PASSWORD_LENGTH, `at least ${MIN_PASSWORD_LENGTH} characters`).max(256),
});

export const register = publicProcedure
  .input(registerInput)
  .output(signedInDto)
  .mutation(async ({ input, ctx }) => {
    const { user, tokens } = await registerService(input, ctx.meta);
    return { user: toUserDto(user), tokens: toTokensDto(tokens) };
  });
