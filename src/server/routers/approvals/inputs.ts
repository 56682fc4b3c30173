import "server-only";
import { z } from "zod";

/** Inputs the approval procedures share. */
export const approvalId = z.object({ id: z.string().min(1).max(100) });
export const approvalScope = z.enum(["all", "mine", "to_review"]).default("all");
