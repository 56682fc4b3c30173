import "server-only";
import { notificationFeed } from "../../services/notifications/feed";
import { authedProcedure, createTRPCRouter } from "../../trpc";

export const notificationsRouter = createTRPCRouter({
  /** Server-sent events: the signed-in user's notifications as they happen. */
  stream: authedProcedure.subscription(async function* ({ ctx, signal }) {
    yield* notificationFeed(ctx.principal, signal ?? new AbortController().signal);
  }),
});
