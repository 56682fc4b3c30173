"use client";
import { notifications } from "@mantine/notifications";
import { IconAlertTriangle, IconCheck } from "@tabler/icons-react";
import { TRPCClientError } from "@trpc/client";

/** What the server says about a failed call; its message is written for people. */
export interface ServerProblem {
  message: string;
  appCode?: string;
  /** Field name → message, from `error.data.fields` (validation errors). */
  fields: Record<string, string>;
}

interface ErrorData {
  appCode?: string;
  fields?: { field: string; message: string }[];
}

export function serverProblem(error: unknown, fallback = "Something went wrong"): ServerProblem {
  if (error instanceof TRPCClientError) {
    const data = (error.data ?? {}) as ErrorData;
    const fields: Record<string, string> = {};
    for (const f of data.fields ?? []) {
      // zod paths come as "patch.name" or "grants.0.groupId"; the last part names the input.
      const key = f.field.split(".").filter((p) => !/^\d+$/.test(p)).pop() ?? f.field;
      fields[key] ??= f.message;
    }
    return { message: error.message || fallback, appCode: data.appCode, fields };
  }
  if (error instanceof Error && error.message) return { message: error.message, fields: {} };
  return { message: fallback, fields: {} };
}

export function notifyError(title: string, error: unknown): void {
  const problem = serverProblem(error);
  const detail = Object.entries(problem.fields)
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
