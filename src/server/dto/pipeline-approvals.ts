import "server-only";
import { z } from "zod";

/** A pipeline version's approval (services/pipelines/approval.ts), for tRPC and REST alike. */
export const pipelineApprovalDto = z.object({
  pipeline_id: z.string(),
  pipeline_name: z.string(),
  version: z.number(),
  required: z.boolean(),
  status: z.enum(["not_required", "not_requested", "pending", "approved", "rejected"]),
  targets: z.array(z.object({ data_source_id: z.string(), data_source_name: z.string(), node_id: z.string(), table: z.string(), mode: z.string() })),
  owner_id: z.string(),
  owner_name: z.string().nullable(),
  requested_by: z.string().nullable(),
  requested_by_name: z.string().nullable(),
  decided_by: z.string().nullable(),
  decided_by_name: z.string().nullable(),
  decided_at: z.string().nullable(),
  comment: z.string(),
  nodes: z.array(z.object({ id: z.string(), type: z.string(), module: z.string(), summary: z.string() })),
});
