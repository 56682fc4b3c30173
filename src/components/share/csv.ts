import type { ResultColumn, ResultRow } from "@/components/results/types";

function cell(value: unknown): string {
  if (value === null || value === undefined) return "";
  const text = typeof value === "object" ? JSON.stringify(value) : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** RFC 4180 CSV of a snapshot, for recipients who cannot use the signed-in export. */
export function toCsv(columns: readonly ResultColumn[], rows: readonly ResultRow[]): string {
  const lines = [columns.map((c) => cell(c.name)).join(",")];
  for (const row of rows) lines.push(columns.map((c) => cell(row[c.name])).join(","));
  return `${lines.join("\r\n")}\r\n`;
}

export function downloadText(text: string, filename: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
