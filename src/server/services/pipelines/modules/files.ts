import "server-only";
import path from "node:path";
import { dataDir } from "../../../config/app-database";
import { AppError } from "../../../errors";

/**
 * File extractors and loaders read and write under one folder of the data dir
 * (`<data dir>/pipeline-files`, or QUARRY_PIPELINE_FILES_DIR): a config names a path
 * relative to it, and nothing outside it, so a pipeline cannot read the app's own files.
 */
export function pipelineFilesDir(): string {
  return path.resolve(process.env.QUARRY_PIPELINE_FILES_DIR || path.join(dataDir(), "pipeline-files"));
}

export function resolvePipelineFile(relative: string): string {
  const root = pipelineFilesDir();
  const full = path.resolve(root, relative);
  if (full !== root && !full.startsWith(root + path.sep)) {
    throw new AppError("VALIDATION_ERROR", `The path ${relative} is outside the pipeline files folder`, {
      fields: [{ field: "path", message: "Use a path inside the pipeline files folder" }],
    });
  }
  return full;
}
