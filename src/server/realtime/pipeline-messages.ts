import "server-only";
import type { PipelineLiveEvent } from "../services/pipelines/live";

/**
 * The ETL Builder document's /ws/pipeline/:id messages: `execution_update` (status,
 * progress, current node) and `log`. Per-node counts and the node of a log line ride
 * along as extra fields.
 */
export function pipelineMessage(event: PipelineLiveEvent) {
  if (event.kind === "log") {
    return { type: "log", execution_id: event.executionId, timestamp: event.timestamp, level: event.level, message: event.message, node_id: event.nodeId };
  }
  return {
    type: "execution_update",
    execution_id: event.executionId,
    status: event.status,
    progress: event.progress,
    current_node: event.currentNode,
    nodes: event.nodes.map((n) => ({ node_id: n.nodeId, status: n.status, rows_input: n.rowsIn, rows_output: n.rowsOut })),
    ...(event.error ? { error: event.error } : {}),
  };
}
