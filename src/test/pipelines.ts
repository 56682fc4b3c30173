import { db } from "@/server/db";
import { jobQueue } from "@/server/jobs";
import { encryptSecret } from "@/server/services/crypto/secret-box";
import { createPipeline, decidePipelineVersion, executePipeline, getExecution, getPipeline, writeTargets, type PipelineInput } from "@/server/services/pipelines";
import { userPrincipal, type UserPrincipal } from "@/server/services/principal";
import { jobUser } from "./jobs";
import { services } from "./services";

/** Test-only helpers for pipeline runs against the real servers. */
export async function serverDataSource(engine: "postgres" | "mysql", name: string): Promise<string> {
  const s = engine === "postgres" ? services.postgres : services.mariadb;
  const row = await db.dataSource.create({
    data: { name, engine, host: s.host, port: s.port, database: s.database, username: s.user, encryptedSecret: s.password ? encryptSecret(s.password) : null },
  });
  return row.id;
}

export async function pipelineAuthor(): Promise<UserPrincipal> {
  const user = await jobUser("analyst");
  return userPrincipal({ id: user.id, email: user.email, username: user.username, fullName: user.fullName, role: "analyst" }, "127.0.0.1");
}

/**
 * Writes never run unreviewed: a version that loads into a data source is approved here
 * by an administrator who is not its author, as an approver would in the inbox. Nothing
 * happens for a version that writes to no data source.
 */
export async function approveCurrentVersion(principal: UserPrincipal, pipelineId: string): Promise<void> {
  const pipeline = await getPipeline(principal, pipelineId);
  if (writeTargets(pipeline.config).length === 0) return;
  const admin = await jobUser("admin");
  const approver = userPrincipal({ id: admin.id, email: admin.email, username: admin.username, fullName: admin.fullName, role: "admin" }, "127.0.0.1");
  await decidePipelineVersion(approver, { pipelineId, version: pipeline.version_number, decision: "approve" });
}

/** Creates the pipeline, approves its writes, runs it and waits for the execution to end; answers the execution's detail. */
export async function runPipeline(principal: UserPrincipal, input: PipelineInput, params?: Record<string, unknown>) {
  const pipeline = await createPipeline(principal, input);
  await approveCurrentVersion(principal, pipeline.id);
  const started = await executePipeline(principal, pipeline.id, { params });
  const execution = await db.pipelineExecution.findUniqueOrThrow({ where: { id: started.execution_id } });
  await jobQueue().waitUntilFinished(execution.jobId!, 60_000);
  return { pipeline, execution: await getExecution(principal, started.execution_id) };
}
