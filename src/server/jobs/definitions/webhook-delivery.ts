import "server-only";
import { z } from "zod";
import { config } from "../../config";
import { defineJob } from "../definition";

/** One webhook delivery; retried with backoff by the queue, each attempt in the delivery log. */
export const webhookDeliveryJob = defineJob({
  name: "webhook-delivery",
  payloadSchema: z.object({ webhookId: z.string().min(1).max(100), event: z.string().max(64), body: z.string().max(1_000_000) }),
  async run(payload, ctx) {
    // Imported here: the service imports this definition to enqueue it.
    const { attemptDelivery } = await import("../../services/webhooks/dispatch");
    return attemptDelivery(payload as Parameters<typeof attemptDelivery>[0], ctx, config().QUARRY_WEBHOOK_MAX_ATTEMPTS);
  },
});
