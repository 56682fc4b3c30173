import "server-only";
import { isAppError } from "../errors";
import { watchPipeline } from "../services/pipelines/live";
import { watchQuery } from "../services/queries/live";
import { userPrincipal } from "../services/principal";
import { registerWsRoute } from "./gateway";
import { pipelineMessage } from "./pipeline-messages";
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
  registerWsRoute("/ws/pipeline/:pipeline_id", async (socket, { params, session }) => {
    try {
      const stop = await watchPipeline(userPrincipal(session.user), params.pipeline_id!, (event) => socket.send(JSON.stringify(pipelineMessage(event))));
      socket.on("close", stop);
    } catch (error) {
      const message = isAppError(error) ? error.message : "internal error";
      socket.send(JSON.stringify({ type: "error", detail: message, error_code: isAppError(error) ? error.code : "INTERNAL", timestamp: new Date().toISOString() }));
      socket.close(isAppError(error) && error.code === "NOT_FOUND" ? 4404 : 1011, message.slice(0, 100));
    }
  });
}
