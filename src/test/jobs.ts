import { z } from "zod";
import { createUser } from "@/server/services/auth/users";
import type { Role } from "@/lib/roles";
import { InProcessQueue } from "@/server/jobs/backends/in-process";
import { defineJob, type JobDefinition } from "@/server/jobs/definition";
import { loadJobPrincipal } from "@/server/jobs";

/** Test-only: users, queues that are stopped after each test, and waiting helpers. */
let counter = 0;
export async function jobUser(role: Role = "analyst") {
  counter += 1;
  return createUser({ email: `jobs${counter}-${Date.now()}@example.test`, password: "correct-horse-9", role, fullName: "Job runner" });
}

const started: InProcessQueue[] = [];
export function testQueue(definitions: JobDefinition<any, any>[], concurrency = 2): InProcessQueue {
  const queue = new InProcessQueue({ definitions, concurrency, loadPrincipal: loadJobPrincipal });
  started.push(queue);
  return queue;
}
export async function stopTestQueues(): Promise<void> {
  await Promise.all(started.splice(0).map((q) => q.stop(200)));
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A promise and its resolver, to hold a handler at a point the test chooses. */
export function gate<T = void>() {
  let open!: (value: T) => void;
  const promise = new Promise<T>((r) => (open = r));
  return { promise, open };
}

export const echoJob = defineJob({
  name: "test-echo",
  payloadSchema: z.object({ value: z.string() }),
  async run({ value }, ctx) {
    await ctx.progress(50, "half way");
    return { value, ranAs: ctx.principal.user.id, attempt: ctx.attempt };
  },
});
