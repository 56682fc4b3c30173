"use client";
import { notifications } from "@mantine/notifications";
import { IconAlertTriangle, IconCheck } from "@tabler/icons-react";

/**
 * Feedback for the whole UI: the ONE decoder that turns a failed tRPC (or fetch) call
 * into what people read, and the toasts that show it. The server's errorFormatter puts
 * appCode, httpStatus, details and field errors on `error.data`.
 */

/** Where in the statement an error points, for the editor's squiggle. */
export interface ErrorDetails {
  line?: number;
  column?: number;
  /** PostgreSQL: 1-based character offset into the statement. */
  position?: number;
  /** Quarry's own parser: 0-based character offset into the statement. */
  offset?: number;
  [key: string]: unknown;
}

export interface AppErrorInfo {
  /** Written for people by the server; safe to show as is. */
  message: string;
  appCode?: string;
  httpStatus?: number;
  details?: ErrorDetails;
  /** Validation errors as the server sent them (full zod paths). */
  fields?: { field: string; message: string }[];
  /** Input name → first message, for a form's fields ("patch.name" → "name"). */
  fieldErrors: Record<string, string>;
}

interface ErrorData {
  appCode?: string;
  httpStatus?: number;
  details?: unknown;
  fields?: { field: string; message: string }[];
}

function fieldErrors(fields: { field: string; message: string }[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of fields ?? []) {
    // zod paths come as "patch.name" or "grants.0.groupId"; the last part names the input.
    const key = f.field.split(".").filter((p) => !/^\d+$/.test(p)).pop() ?? f.field;
    out[key] ??= f.message;
  }
  return out;
}

export function errorInfo(error: unknown, fallback = "Something went wrong"): AppErrorInfo {
  if (!error || typeof error !== "object") return { message: fallback, fieldErrors: {} };
  const data = (error as { data?: ErrorData | null }).data ?? undefined;
  const message = error instanceof Error && error.message ? error.message : fallback;
  const details = data?.details && typeof data.details === "object" ? (data.details as ErrorDetails) : undefined;
  return {
    message,
    appCode: data?.appCode,
    httpStatus: data?.httpStatus,
    details,
    fields: data?.fields,
    fieldErrors: fieldErrors(data?.fields),
  };
}

export function notifyError(title: string, error: unknown): void {
  const problem = errorInfo(error);
  const detail = Object.entries(problem.fieldErrors)
    .map(([field, message]) => `${field}: ${message}`)
    .join("; ");
  notifications.show({
    color: "red",
    icon: <IconAlertTriangle size={18} />,
    title,
    message: detail && !problem.message.includes(detail) ? `${problem.message} (${detail})` : problem.message,
    autoClose: 8000,
  });
}

export function notifySuccess(title: string, message?: string): void {
  notifications.show({ color: "teal", icon: <IconCheck size={18} />, title, message: message ?? "", autoClose: 4000 });
}
