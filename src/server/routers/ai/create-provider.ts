import "server-only";
import { createProvider as create } from "../../services/ai/providers";
import { adminProcedure } from "../../trpc";
import { providerDto } from "./dto";
import { createProviderInput } from "./providers";

/** Adds a provider (admins); the key is encrypted at rest and never returned. */
export const createProvider = adminProcedure
  .input(createProviderInput)
  .output(providerDto)
  .mutation(({ ctx, input }) => create(ctx.principal, input));
