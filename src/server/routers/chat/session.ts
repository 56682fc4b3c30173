import "server-only";
import { z } from "zod";
import { getSession } from "../../services/chat/sessions";
import { authedProcedure } from "../../trpc";
import { chatMessageDto, chatSessionDto } from "./dto";

/** One session with its whole conversation. */
export const session = authedProcedure
  .input(z.object({ id: z.string().min(1).max(100) }))
  .output(chatSessionDto.extend({ messages: z.array(chatMessageDto) }))
  .query(({ ctx, input }) => getSession(ctx.principal, input.id));
