import "server-only";

/**
 * Result values leave the connector JSON-safe, so every caller (tRPC, REST, CSV,
 * pipelines) gets the same representation without knowing the driver.
 */
export function jsonSafe(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case "string":
    case "boolean":
      return value;
    case "number":
      return Number.isFinite(value) ? value : String(value);
    case "bigint":
      return safeBigint(value);
    case "object":
      if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
      if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("base64");
      if (Array.isArray(value)) return value.map(jsonSafe);
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, jsonSafe(v)]));
    default:
      return String(value);
  }
}

export function safeBigint(value: bigint): number | string {
  return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER)
    ? Number(value)
    : value.toString();
}

/** Integer text (pg int8) as a number when exact, else kept as text. */
export function integerText(text: string): number | string {
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : text;
}

/**
 * Decimal text as a number when a double holds it exactly enough (15 significant
 * digits); otherwise kept as text so money and big ids do not silently round.
 */
export function decimalText(text: string): number | string {
  // At most 15 characters hold at most 15 digits: the common case needs no counting,
  // and one pass over its characters instead of the regular expression.
  if (text.length <= 15) return plainDecimal(text) ? Number(text) : text;
  if (!/^[-+]?\d*\.?\d+$/.test(text)) return text;
  const digits = text.replace(/[-+.]/g, "").replace(/^0+/, "");
  if (digits.length > 15) return text;
  return Number(text);
}

/** What `^[-+]?\d*\.?\d+$` matches: an optional sign, digits with at most one point, a digit last. */
function plainDecimal(text: string): boolean {
  const n = text.length;
  let i = 0;
  const first = text.charCodeAt(0);
  if (first === 43 || first === 45) i = 1; // + -
  if (i >= n) return false;
  let point = false;
  for (; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) continue;
    if (c === 46 && !point) {
      point = true;
      continue;
    }
    return false;
  }
  return text.charCodeAt(n - 1) !== 46;
}

/** `2024-01-02 03:04:05` (timezone-less engine text) → ISO-like `2024-01-02T03:04:05`. */
export const localTimestampText = (text: string) => text.replace(" ", "T");

/**
 * Duplicate result names (`a.id, b.id`) would overwrite each other in a row object.
 * Real names keep priority: a later `id` becomes `id_3` if a column is called `id_2`.
 */
export function uniqueNames(names: string[]): string[] {
  const taken = new Set(names);
  const used = new Set<string>();
  return names.map((name) => {
    if (!used.has(name)) {
      used.add(name);
      return name;
    }
    let n = 2;
    while (taken.has(`${name}_${n}`)) n++;
    const candidate = `${name}_${n}`;
    taken.add(candidate);
    used.add(candidate);
    return candidate;
  });
}

export type ValueConverter = (value: unknown) => unknown;

export function toRecords(
  keys: string[],
  rows: unknown[][],
  converters: (ValueConverter | undefined)[] = [],
): Record<string, unknown>[] {
  return rows.map((row) => {
    const record: Record<string, unknown> = {};
    for (let i = 0; i < keys.length; i++) {
      const value = row[i];
      const convert = converters[i];
      const v = convert && value !== null && value !== undefined ? convert(value) : value;
      // Strings are the bulk of most results: no call for them.
      record[keys[i]!] = typeof v === "string" ? v : jsonSafe(v);
    }
    return record;
  });
}
