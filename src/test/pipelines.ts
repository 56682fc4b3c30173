import { db } from "@/server/db";
import { jobQueue } from "@/server/jobs";
import { encryptSecret } from "@/server/services/crypto/secret-box";
import { createPipeline, executePipeline, getExecution, type PipelineInput } from "@/server/services/pipelines";
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

/** Creates the pipeline, runs it and waits for the execution to end; answers the execution's detail. */
export async function runPipeline(principal: UserPrincipal, input: PipelineInput, params?: Record<string, unknown>) {
  const pipeline = await createPipeline(principal, input);
  const started = await executePipeline(principal, pipeline.id, { params });
  const execution = await db.pipelineExecution.findUniqueOrThrow({ where: { id: started.execution_id } });
  await jobQueue().waitUntilFinished(execution.jobId!, 60_000);
  return { pipeline, execution: await getExecution(principal, started.execution_id) };
}
