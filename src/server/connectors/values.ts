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
 * digits, counted from the first non-zero digit, trailing zeros included); otherwise
 * kept as text so money and big ids do not silently round. One pass over the
 * characters: numeric columns are read a million values at a time, and the regular
 * expressions this replaced were a tenth of a pipeline's time.
 */
export function decimalText(text: string): number | string {
  return significantDigits(text) <= 15 ? Number(text) : text;
}

/**
 * The significant digits of what `^[-+]?\d*\.?\d+$` matches (an optional sign, digits
 * with at most one point, a digit last), counted up to 16; Infinity for anything else.
 */
function significantDigits(text: string): number {
  const n = text.length;
  let i = 0;
  const first = text.charCodeAt(0);
  if (first === 43 || first === 45) i = 1; // + -
  if (i >= n || text.charCodeAt(n - 1) === 46) return Infinity;
  let point = false;
  let digits = 0;
  for (; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      // Past 15 it stays text, valid or not: no need to read on.
      if ((digits > 0 || c !== 48) && ++digits > 15) return digits;
    } else if (c === 46 && !point) point = true;
    else return Infinity;
  }
  return digits;
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
