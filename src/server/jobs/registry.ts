import "server-only";
import type { JobDefinition } from "./definition";
import { autoGuessJob } from "./definitions/metadata-auto-guess";
import { pipelineRunJob, pipelineScheduleJob } from "./definitions/pipeline-run";
import { schemaSyncJob } from "./definitions/schema-sync";
import { scheduledQueryJob } from "./definitions/scheduled-query";
import { webhookDeliveryJob } from "./definitions/webhook-delivery";

/** Every job the worker can run. A new job: a file in definitions/ and one line here. */
export const jobDefinitions: JobDefinition<any, any>[] = [schemaSyncJob, autoGuessJob, webhookDeliveryJob, scheduledQueryJob, pipelineRunJob, pipelineScheduleJob];

export function jobDefinition(name: string): JobDefinition<any, any> | undefined {
  return jobDefinitions.find((d) => d.name === name);
}
