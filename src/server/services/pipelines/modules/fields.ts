import "server-only";
import { z } from "zod";

/** Config fields several modules share, so their forms and limits read the same everywhere. */

/** A file inside the pipeline files folder (resolved and confined by files.ts at run time). */
export const pipelineFileField = z.string().min(1, "path is required").max(1000).describe("File inside the pipeline files folder").meta({ title: "File path" });

/** Rows per batch an extractor yields. */
export const batchSizeField = z.number().int().min(1).max(50_000).default(1000).describe("Rows per batch").meta({ title: "Batch size" });
