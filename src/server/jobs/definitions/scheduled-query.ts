import "server-only";
import { z } from "zod";
import { defineJob } from "../definition";

/** One tick of a saved-query schedule, run as the schedule's owner. */
export const scheduledQueryJob = defineJob({
  name: "scheduled-query",
  payloadSchema: z.object({ scheduleId: z.string().min(1).max(100) }),
  async run({ scheduleId }, ctx) {
    // Imported here: the schedules service imports this definition to schedule it.
    const { runSchedule } = await import("../../services/schedules/run");
    return runSchedule(ctx.principal, scheduleId);
  },
});
