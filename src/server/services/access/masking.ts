import "server-only";
import type { Access } from ".";

/**
 * Column masking: values of personal columns come back masked for users who may not
 * write to the data source. Until the data dictionary tags columns as PII, names decide.
 */
const PII_NAME =
  /(^|_)(e?mail|email_address|phone|phone_number|mobile|cell|ssn|social_security|password|passwd|pwd|secret|token|api_key|credit_card|card_number|cc_number|iban|account_number|tax_id|passport|national_id|date_of_birth|dob|birth_date|birthdate|street|address|address_line\d?|ip_address)($|_)/i;

export function isPiiColumnName(name: string): boolean {
  return PII_NAME.test(name);
}

/** The columns to mask for this caller, or null when nothing is masked. */
export function maskedColumns(columns: { name: string }[], access: Access): Set<string> | null {
  if (access.canWrite) return null;
  const names = columns.map((c) => c.name).filter(isPiiColumnName);
  return names.length ? new Set(names) : null;
}

export function maskValue(value: unknown): unknown {
  if (value === null || value === undefined) return value;
  const text = typeof value === "string" ? value : JSON.stringify(value);
  const at = text.indexOf("@");
  if (at > 0) return `${text[0]}***${text.slice(at)}`;
  if (text.length <= 4) return "****";
  return `****${text.slice(-2)}`;
}

export function maskRows(rows: Record<string, unknown>[], masked: Set<string> | null): Record<string, unknown>[] {
  if (!masked) return rows;
  return rows.map((row) => {
    const copy = { ...row };
    for (const name of masked) if (name in copy) copy[name] = maskValue(copy[name]);
    return copy;
  });
}
