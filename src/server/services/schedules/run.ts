import "server-only";
import { stringify } from "csv-stringify/sync";
import { config } from "../../config";
import { db } from "../../db";
import { isAppError } from "../../errors";
import { publish } from "../../events/bus";
import { decryptSecret } from "../crypto/secret-box";
import { emailConfigured, sendMail } from "../notifications/email";
import { requireActingUser, type JobPrincipal } from "../principal";
import { getSavedQuery } from "../saved-queries";
import { runParameterized } from "../templates/run";
import { postWebhook } from "../webhooks/deliver";
import { pauseSchedule } from "./index";

const PREVIEW_ROWS = 100;

/**
 * One tick of a schedule, run by the `scheduled-query` job as the owner (a job principal:
 * their grants as they are now). The outcome is recorded as a run; failures count, and
 * after QUARRY_SCHEDULE_MAX_FAILURES in a row the schedule pauses and the owner is told.
 * Never throws for a query failure: the schedule's own history is the retry policy.
 */
export async function runSchedule(principal: JobPrincipal, scheduleId: string): Promise<{ status: "succeeded" | "failed" | "skipped"; runId?: string }> {
  const user = requireActingUser(principal);
  const schedule = await db.schedule.findUnique({ where: { id: scheduleId } });
  if (!schedule || !schedule.active || schedule.ownerId !== user.id) return { status: "skipped" };
  const run = await db.scheduleRun.create({ data: { scheduleId, status: "running" } });
  try {
    const saved = await getSavedQuery(principal, schedule.savedQueryId);
    const outcome = await runParameterized(principal, { dataSourceId: saved.dataSourceId ?? undefined, sql: saved.sql, values: {}, source: "schedule", wait: true });
    if (outcome.type !== "result") throw new Error("A scheduled query must be a read; this one needs approval");
    const result = outcome.result;
    await db.scheduleRun.update({ where: { id: run.id }, data: { status: "succeeded", queryRunId: result.id, rowCount: result.rowCount, finishedAt: new Date() } });
    await db.schedule.update({ where: { id: scheduleId }, data: { failureCount: 0, lastRunAt: new Date() } });

    const columns = result.columns.map((c) => c.name);
    const csv = stringify(result.rows, { header: true, columns });
    const recipients = JSON.parse(schedule.notifyEmails) as string[];
    if (recipients.length && emailConfigured()) {
      const summary = `“${saved.title}” ran at ${new Date().toISOString()} and returned ${result.rowCount} rows${result.truncated ? " (truncated)" : ""}.`;
      await sendMail(
        schedule.emailFormat === "link"
          ? { to: recipients, subject: `Quarry: ${saved.title}`, text: `${summary}\n\nOpen the result in Quarry: query ${result.id} in your editor history.` }
          : { to: recipients, subject: `Quarry: ${saved.title}`, text: `${summary}\n\nThe result is attached as CSV.`, attachments: [{ filename: `${slug(saved.title)}.csv`, content: csv, contentType: "text/csv" }] },
      );
    }
    if (schedule.webhookId) await deliverToWebhook(schedule.webhookId, user.id, { scheduleId, runId: run.id, savedQueryId: saved.id, title: saved.title, rowCount: result.rowCount, columns, rows: result.rows.slice(0, PREVIEW_ROWS) });
    publish("schedule.run", scheduleId, { scheduleId, runId: run.id, savedQueryId: saved.id, userId: user.id, status: "succeeded", rowCount: result.rowCount });
    return { status: "succeeded", runId: run.id };
  } catch (failure) {
    const message = isAppError(failure) || failure instanceof Error ? failure.message : "The scheduled run failed";
    await db.scheduleRun.update({ where: { id: run.id }, data: { status: "failed", error: message.slice(0, 2000), finishedAt: new Date() } });
    const updated = await db.schedule.update({ where: { id: scheduleId }, data: { failureCount: { increment: 1 }, lastRunAt: new Date() } });
    const max = config().QUARRY_SCHEDULE_MAX_FAILURES;
    const paused = updated.failureCount >= max;
    if (paused) await pauseSchedule(scheduleId, `Paused after ${updated.failureCount} failed runs in a row: ${message.slice(0, 300)}`);
    await notifyOwnerOfFailure(user.email, scheduleId, message, paused, updated.failureCount).catch((error: unknown) =>
      console.error(`[schedules] could not email the owner of ${scheduleId}:`, (error as Error).message),
    );
    publish("schedule.run", scheduleId, { scheduleId, runId: run.id, savedQueryId: schedule.savedQueryId, userId: user.id, status: "failed", error: message, paused });
    return { status: "failed", runId: run.id };
  }
}

const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "").slice(0, 60) || "result";

async function notifyOwnerOfFailure(email: string, scheduleId: string, error: string, paused: boolean, count: number) {
  if (!emailConfigured()) return;
  await sendMail({
    to: [email],
    subject: paused ? "Quarry: a schedule was paused" : "Quarry: a scheduled query failed",
    text: `Schedule ${scheduleId} failed (${count} in a row): ${error}${paused ? "\n\nIt is paused now; resume it under Schedules once the query works again." : ""}`,
  });
}

async function deliverToWebhook(webhookId: string, ownerId: string, data: Record<string, unknown>) {
  const hook = await db.webhook.findUnique({ where: { id: webhookId } });
  if (!hook || !hook.active || hook.ownerId !== ownerId) return;
  const delivery = await db.webhookDelivery.create({ data: { webhookId, event: "schedule.run", payload: "{}" } });
  const body = JSON.stringify({ event: "schedule.run", occurred_at: new Date().toISOString(), data: snake(data) });
  const attempt = await postWebhook(hook.url, decryptSecret(hook.encryptedSecret), { event: "schedule.run", deliveryId: delivery.id, body });
  await db.webhookDelivery.update({
    where: { id: delivery.id },
    data: { payload: body, attempts: 1, status: attempt.ok ? "delivered" : "failed", responseCode: attempt.responseCode, latencyMs: attempt.latencyMs, error: attempt.error, deliveredAt: attempt.ok ? new Date() : null },
  });
}

const snake = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), v]));
