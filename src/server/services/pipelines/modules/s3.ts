import "server-only";
import { once } from "node:events";
import { PassThrough } from "node:stream";
import { S3Client, S3ServiceException } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { stringify } from "csv-stringify/sync";
import { z } from "zod";
import { bucketRefusal, objectStorageSettings, type ObjectStorageSettings } from "../../../config/object-storage";
import { AppError, isAppError } from "../../../errors";
import type { Batch, LoaderModule, ModuleContext } from "../types";

/** S3's smallest part; with at most 10,000 parts an object may reach about 48.8 GiB. */
const PART_SIZE = 5 * 1024 * 1024;
const MAX_PARTS = 10_000;
/** Parts in flight at once: memory stays near PART_SIZE × (QUEUE_SIZE + 1), whatever the row count. */
const QUEUE_SIZE = 4;
/** How long a discarded upload may take to finish its parts in flight and abort. */
const ABORT_WAIT_MS = 30_000;

const PLACEHOLDERS = ["execution_id", "date"] as const;
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

const s3Config = z.object({
  bucket: z
    .string()
    .min(1, "bucket is required")
    .regex(BUCKET_NAME, "a bucket name is 3-63 lower-case letters, digits, dots and hyphens")
    .superRefine((bucket, ctx) => {
      const refusal = bucketRefusal(bucket);
      if (refusal) ctx.addIssue({ code: "custom", message: refusal });
    })
    .describe("Bucket to write to (the endpoint and credentials are the server's)")
    .meta({ title: "Bucket" }),
  key: z
    .string()
    .min(1, "key is required")
    .max(1024)
    .refine((key) => !CONTROL_CHARS.test(key), "the key may not contain control characters")
    .superRefine((key, ctx) => {
      for (const [, name] of key.matchAll(/\{(\w+)\}/g)) {
        if (!(PLACEHOLDERS as readonly string[]).includes(name!)) ctx.addIssue({ code: "custom", message: `Unknown placeholder {${name}}; use {execution_id} or {date}` });
      }
    })
    .describe("Object key; {execution_id} and {date} (UTC, YYYY-MM-DD) are filled in at run time")
    .meta({ title: "Object key" }),
  format: z.enum(["csv", "ndjson"]).default("csv").meta({ title: "Format" }),
  delimiter: z.string().min(1).max(1).default(",").describe("CSV only").meta({ title: "Delimiter" }),
  header: z.boolean().default(true).describe("CSV only").meta({ title: "Header row" }),
  content_type: z
    .string()
    .max(200)
    .regex(/^[\w.+-]+\/[\w.+-]+( *;.*)?$/, "a media type such as text/csv")
    .optional()
    .describe("Default: text/csv or application/x-ndjson")
    .meta({ title: "Content type" }),
});
type S3Config = z.infer<typeof s3Config>;

export function expandKey(key: string, executionId: string, now = new Date()): string {
  const values: Record<(typeof PLACEHOLDERS)[number], string> = { execution_id: executionId, date: now.toISOString().slice(0, 10) };
  return key.replace(/\{(execution_id|date)\}/g, (_, name: keyof typeof values) => values[name]);
}

/** One batch as text in the object's format; the CSV header goes with the first batch that names columns. */
function encoder(config: S3Config): (batch: Batch) => string {
  let wroteHeader = false;
  if (config.format === "ndjson") {
    return (batch) => {
      const names = batch.columns.map((c) => c.name);
      let out = "";
      for (const row of batch.rows) out += JSON.stringify(Object.fromEntries(names.map((n) => [n, row[n] ?? null])), jsonValue) + "\n";
      return out;
    };
  }
  return (batch) => {
    const names = batch.columns.map((c) => c.name);
    let out = "";
    if (!wroteHeader && config.header && names.length) {
      out += stringify([names], { delimiter: config.delimiter });
      wroteHeader = true;
    }
    if (batch.rows.length) {
      const records = batch.rows.map((r) => names.map((n) => csvCell(r[n])));
      out += stringify(records, { delimiter: config.delimiter, cast: { boolean: (b) => (b ? "true" : "false"), bigint: String, date: (d) => d.toISOString() } });
    }
    return out;
  };
}

function csvCell(value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value).toString("base64");
  if (value !== null && typeof value === "object" && !(value instanceof Date)) return JSON.stringify(value, jsonValue);
  return value;
}

/** JSON for what JSON.stringify cannot say: big integers as strings, bytes as base64. */
function jsonValue(this: unknown, key: string, value: unknown): unknown {
  if (typeof value === "bigint") return value.toString();
  const raw = (this as Record<string, unknown>)[key];
  if (raw instanceof Uint8Array) return Buffer.from(raw).toString("base64");
  return value;
}

function clientFor(settings: ObjectStorageSettings): S3Client {
  // S3-compatible services differ in support for the SDK's newer default checksums; send them only to AWS.
  const checksums = settings.endpoint ? "WHEN_REQUIRED" : "WHEN_SUPPORTED";
  return new S3Client({
    region: settings.region,
    endpoint: settings.endpoint,
    forcePathStyle: settings.forcePathStyle,
    credentials: settings.credentials,
    maxAttempts: 3,
    requestChecksumCalculation: checksums,
    responseChecksumValidation: checksums,
    requestHandler: { connectionTimeout: 10_000, requestTimeout: 300_000 },
  });
}

/**
 * Streams the rows into one object through a multipart upload that completes only once
 * the whole run succeeded: the body stays open until `awaitCommit()` resolves, and any
 * failure or cancel before that destroys it, so the SDK aborts the multipart upload and
 * no object (and no stored part) is left.
 */
export const s3Loader: LoaderModule<S3Config> = {
  type: "loader",
  name: "s3",
  displayName: "S3 Object Loader",
  description: "Write rows as one CSV or NDJSON object to S3-compatible storage (completed only when the run succeeds)",
  icon: "cloud-upload",
  color: "#EA580C",
  config: s3Config,
  inputs: [1, 1],
  async run(ctx, config, [input]) {
    const settings = objectStorageSettings();
    const refusal = bucketRefusal(config.bucket, settings);
    if (refusal) throw new AppError("VALIDATION_ERROR", refusal, { fields: [{ field: "bucket", message: refusal }] });
    const key = expandKey(config.key, ctx.executionId);
    if (Buffer.byteLength(key) > 1024) throw new AppError("VALIDATION_ERROR", "The object key is longer than 1024 bytes once its placeholders are filled in", { fields: [{ field: "key", message: "Use a shorter key" }] });
    const target = `s3://${config.bucket}/${key}`;
    const client = clientFor(settings);
    const body = new PassThrough();
    body.on("error", () => undefined); // destroyed on purpose by discard(); the upload reports it
    const upload = new Upload({
      client,
      params: { Bucket: config.bucket, Key: key, Body: body, ContentType: config.content_type ?? (config.format === "csv" ? "text/csv; charset=utf-8" : "application/x-ndjson") },
      queueSize: QUEUE_SIZE,
      partSize: PART_SIZE,
      leavePartsOnError: false,
    });
    const uploading = upload.done();
    // Settles early only when the upload failed (or the run was cancelled): what a write or the commit wait races.
    const stopped = new Promise<never>((_, reject) => {
      uploading.then(() => reject(new Error("The upload finished before its rows were written")), reject);
      if (ctx.signal.aborted) reject(ctx.signal.reason);
      else ctx.signal.addEventListener("abort", () => reject(ctx.signal.reason), { once: true });
    });
    stopped.catch(() => undefined);
    const encode = encoder(config);
    let rows = 0;
    let bytes = 0;
    try {
      for await (const batch of input!) {
        if (ctx.signal.aborted) throw ctx.signal.reason;
        const text = encode(batch);
        if (!text) continue;
        bytes += Buffer.byteLength(text);
        if (bytes > PART_SIZE * MAX_PARTS) throw new AppError("VALIDATION_ERROR", `The object would pass ${Math.floor((PART_SIZE * MAX_PARTS) / 1024 ** 3)} GiB, the most one upload in ${PART_SIZE / 1024 ** 2} MiB parts can hold`);
        if (!body.write(text)) await Promise.race([once(body, "drain"), stopped]);
        rows += batch.rows.length;
      }
      ctx.log("DEBUG", `Streamed ${rows} rows to ${target}; waiting for the other nodes before completing the upload`, { rows, bytes });
      await Promise.race([ctx.awaitCommit(), stopped]);
      body.end();
      await uploading;
    } catch (error) {
      await discard(ctx, { body, upload, uploading, target }, error);
      throw storageError(error, config.bucket);
    } finally {
      client.destroy();
    }
    ctx.log("INFO", `Uploaded ${rows} rows (${bytes} bytes) to ${target}`, { rows, bytes, format: config.format });
    return { rowsWritten: rows, target };
  },
};

/**
 * Destroying the body makes the SDK's part readers fail; it waits for the parts in
 * flight, aborts the multipart upload, and only then does `done()` settle. (`upload.abort()`
 * alone would settle at once and leave the readers waiting on a body that never ends, so
 * the abort request would never be sent; it is the fallback when the endpoint hangs.)
 */
async function discard(ctx: ModuleContext, run: { body: PassThrough; upload: Upload; uploading: Promise<unknown>; target: string }, failure: unknown): Promise<void> {
  const discarded = new Error("discarded");
  run.body.destroy(discarded);
  let timer: NodeJS.Timeout | undefined;
  const outcome = await Promise.race([
    run.uploading.then(() => "completed" as const, (error: unknown) => error),
    new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), ABORT_WAIT_MS))),
  ]);
  clearTimeout(timer);
  // Our own error back: the SDK aborted what it had started. The upload's own failure: it aborted before reporting it.
  if (outcome === discarded || outcome === failure) return;
  if (outcome === "timeout") await run.upload.abort();
  ctx.log("WARNING", `The upload to ${run.target} could not be confirmed aborted; a lifecycle rule on the bucket should remove incomplete multipart uploads`, {
    reason: outcome === "timeout" ? "timeout" : messageOfStorage(outcome),
  });
}

const messageOfStorage = (error: unknown) => {
  const mapped = storageError(error, "");
  return isAppError(mapped) ? mapped.message : "unknown";
};

const NETWORK_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ENOTFOUND", "EAI_AGAIN", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "EPIPE"]);
const CREDENTIAL_CODES = new Set(["InvalidAccessKeyId", "SignatureDoesNotMatch", "ExpiredToken", "InvalidToken", "TokenRefreshRequired", "CredentialsProviderError"]);

/**
 * What the storage said, as an AppError a pipeline's owner can act on. The SDK's own
 * message and stack stay out: they may quote request details. No secret is ever in it.
 */
export function storageError(error: unknown, bucket: string): unknown {
  if (isAppError(error) || !(error instanceof Error)) return error;
  const code = error instanceof S3ServiceException ? error.name : ((error as { code?: string }).code ?? error.name);
  const status = error instanceof S3ServiceException ? error.$metadata.httpStatusCode : undefined;
  const details = { storage_code: code, http_status: status ?? null };
  if (code === "NoSuchBucket") return new AppError("VALIDATION_ERROR", `The bucket ${bucket} does not exist`, { details, fields: [{ field: "bucket", message: "No such bucket" }] });
  if (code === "InvalidBucketName") return new AppError("VALIDATION_ERROR", `The storage refused the bucket name ${bucket}`, { details, fields: [{ field: "bucket", message: "Invalid bucket name" }] });
  if (code === "KeyTooLongError" || code === "InvalidObjectName") return new AppError("VALIDATION_ERROR", "The storage refused the object key", { details, fields: [{ field: "key", message: "Invalid key" }] });
  if (CREDENTIAL_CODES.has(code) || error.name === "CredentialsProviderError") {
    return new AppError("CONNECTION_FAILED", "The object storage refused the server's credentials; an administrator should check the QUARRY_S3_* settings", { details });
  }
  if (code === "AccessDenied" || code === "AllAccessDisabled" || status === 403) {
    return new AppError("CONNECTION_FAILED", `The server's storage credentials may not write to the bucket ${bucket}`, { details });
  }
  if (NETWORK_CODES.has(code) || error.name === "TimeoutError") {
    return new AppError("CONNECTION_FAILED", "Could not reach the object storage endpoint; an administrator should check QUARRY_S3_ENDPOINT and the network", { details });
  }
  if (status !== undefined && status >= 500) return new AppError("SERVICE_UNAVAILABLE", `The object storage failed the upload (${code}); try again later`, { details });
  if (error instanceof S3ServiceException) return new AppError("CONNECTION_FAILED", `The object storage refused the upload (${code})`, { details });
  return error; // not the storage's: a failed input, a cancel, the commit gate
}
