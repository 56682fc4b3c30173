/** What the editor needs from a failed tRPC call (see the server's errorFormatter). */
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
  message: string;
  appCode?: string;
  httpStatus?: number;
  details?: ErrorDetails;
  fields?: { field: string; message: string }[];
}

interface ErrorData {
  appCode?: string;
  httpStatus?: number;
  details?: unknown;
  fields?: { field: string; message: string }[];
}

export function errorInfo(error: unknown, fallback = "Something went wrong"): AppErrorInfo {
  if (!error || typeof error !== "object") return { message: fallback };
  const data = (error as { data?: ErrorData | null }).data ?? undefined;
  const message = error instanceof Error && error.message ? error.message : fallback;
  const details = data?.details && typeof data.details === "object" ? (data.details as ErrorDetails) : undefined;
  return { message, appCode: data?.appCode, httpStatus: data?.httpStatus, details, fields: data?.fields };
}
