import "server-only";
import { config } from ".";

/**
 * Where the pipelines' `s3` loader writes: an admin's settings from the environment,
 * never a pipeline's config (configs are stored and served by the API, so they must not
 * hold an endpoint or a secret). Absent keys leave the AWS SDK's default credential chain
 * (AWS_* variables, shared files, instance roles) to find them.
 */
export interface ObjectStorageSettings {
  endpoint?: string;
  region: string;
  forcePathStyle: boolean;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** The only buckets pipelines may write to; null: any. */
  buckets: string[] | null;
}

export function objectStorageSettings(): ObjectStorageSettings {
  const env = config();
  const buckets = (env.QUARRY_S3_BUCKETS ?? "").split(",").map((b) => b.trim()).filter(Boolean);
  return {
    endpoint: env.QUARRY_S3_ENDPOINT,
    region: env.QUARRY_S3_REGION,
    forcePathStyle: env.QUARRY_S3_FORCE_PATH_STYLE,
    credentials:
      env.QUARRY_S3_ACCESS_KEY_ID && env.QUARRY_S3_SECRET_ACCESS_KEY
        ? { accessKeyId: env.QUARRY_S3_ACCESS_KEY_ID, secretAccessKey: env.QUARRY_S3_SECRET_ACCESS_KEY }
        : undefined,
    buckets: buckets.length ? buckets : null,
  };
}

/** Why a pipeline may not write to the bucket (null: it may). */
export function bucketRefusal(bucket: string, settings = objectStorageSettings()): string | null {
  if (!settings.buckets || settings.buckets.includes(bucket)) return null;
  return `Pipelines may not write to the bucket ${bucket}; this server allows ${settings.buckets.join(", ")}`;
}
