import "server-only";
import { z } from "zod";
import { detachedChatTurn } from "../../services/chat/turn";
import { authedProcedure } from "../../trpc";
import { chatEventDto } from "./dto";

/**
 * Ask in a session, answered step by step over server-sent events: understanding, the
 * model's tokens (when a model answers), SQL, rows or an approval request, chart, done.
 */
export const send = authedProcedure
  .input(
    z.object({
      sessionId: z.string().min(1).max(100),
      content: z.string().min(1).max(2000),
      dataSourceId: z.string().min(1).max(100).optional(),
      engine: z.enum(["auto", "builtin", "provider"]).optional(),
      providerId: z.string().min(1).max(100).optional(),
    }),
  )
  .subscription(async function* ({ ctx, input }) {
    for await (const event of detachedChatTurn(ctx.principal, input.sessionId, input)) yield chatEventDto.parse(event);
  });
