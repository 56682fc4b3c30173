import "server-only";
import { z } from "zod";
import { listSessions } from "../../services/chat/sessions";
import { authedProcedure } from "../../trpc";
import { chatSessionDto } from "./dto";

/** The caller's chat sessions, most recent first. */
export const sessions = authedProcedure
  .input(z.object({ page: z.number().int().min(1).default(1), pageSize: z.number().int().min(1).max(200).default(100) }).optional())
  .output(z.object({ items: z.array(chatSessionDto), total: z.number() }))
  .query(({ ctx, input }) => listSessions(ctx.principal, input ?? { page: 1, pageSize: 100 }));
