import "server-only";
import { isAppError } from "../errors";
import { watchQuery } from "../services/queries/live";
import { registerWsRoute } from "./gateway";
import { queryStatusMessage } from "./query-messages";

/** The WebSocket endpoints REST clients use; each is a thin bridge to a service. */
export function registerWsRoutes(): void {
  registerWsRoute("/ws/query/:query_id", async (socket, { params, session }) => {
    try {
      const stop = await watchQuery(
        session.user,
        params.query_id!,
        (event) => socket.send(JSON.stringify(queryStatusMessage(event))),
        () => socket.close(1000, "done"),
      );
      socket.on("close", stop);
    } catch (error) {
      const message = isAppError(error) ? error.message : "internal error";
      socket.send(JSON.stringify({ type: "error", error: { code: isAppError(error) ? error.code : "INTERNAL", message } }));
      socket.close(isAppError(error) && error.code === "NOT_FOUND" ? 4404 : 1011, message.slice(0, 100));
    }
  });
}
