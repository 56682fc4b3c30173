import "server-only";
import { z } from "zod";
import { listProviders } from "../../services/ai/providers";
import { authedProcedure } from "../../trpc";
import { providerDto } from "./dto";

/** Configured model providers (no keys, ever). */
export const providers = authedProcedure.output(z.array(providerDto)).query(({ ctx }) => listProviders(ctx.principal));

export const createProviderInput = z.object({
  name: z.string().max(100).optional(),
  provider: z.string().min(1).max(40),
  model: z.string().min(1).max(200),
  apiKey: z.string().max(4000).optional(),
  baseUrl: z.string().max(2000).optional(),
  isDefault: z.boolean().optional(),
  contextWindow: z.number().int().min(64).max(10_000_000).optional(),
  timeoutMs: z.number().int().min(1000).max(600_000).optional(),
});
