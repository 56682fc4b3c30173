import "server-only";
import { chatStatus } from "../../services/chat/status";
import { authedProcedure } from "../../trpc";

/** The engines and providers the chat can use now, and the caller's limits. */
export const status = authedProcedure.query(({ ctx }) => chatStatus(ctx.principal));
