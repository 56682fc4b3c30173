import "server-only";
import { z } from "zod";
import { addMessage as add } from "../../services/chat/sessions";
import { authedProcedure } from "../../trpc";
import { chatMessageDto } from "./dto";

/** Adds a message as is (a note); asking is `send`. */
export const addMessage = authedProcedure
  .input(z.object({ sessionId: z.string().min(1).max(100), role: z.enum(["user", "assistant", "system"]).optional(), content: z.string().min(1).max(20_000) }))
  .output(chatMessageDto)
  .mutation(({ ctx, input }) => add(ctx.principal, input.sessionId, input));
