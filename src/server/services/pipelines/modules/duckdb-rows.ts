import "server-only";
import {
  arrayFromArrayValue,
  arrayFromListValue,
  DuckDBTypeId,
  objectArrayFromMapValue,
  objectFromStructValue,
  objectFromUnionValue,
  fromVariantValue,
  type DuckDBAppender,
  type DuckDBConnection,
  type DuckDBType,
  type DuckDBValueConverter,
  type DuckDBTimestampTZValue,
} from "@duckdb/node-api";
import { AppError } from "../../../errors";
import { decimalText, localTimestampText, safeBigint } from "../../../connectors/values";
import type { Batch, Column, ColumnKind, Row } from "../types";

/**
 * Between DuckDB's values and our rows, both ways. Out of DuckDB, values become what
 * every connector hands a pipeline (JSON-safe: exact bigints as numbers else text,
 * decimals as numbers when a double holds them, dates as ISO text, binary as base64,
 * nested values as JSON). Into DuckDB, a staging table takes its column types from the
 * kinds and widens a column (BIGINT → DOUBLE, DATE → TIMESTAMPTZ) when a later batch
 * holds values the first one did not.
 */

export function kindOf(type: DuckDBType): ColumnKind {
  if (type.alias === "JSON") return "json";
  switch (type.typeId) {
    case DuckDBTypeId.BOOLEAN:
      return "boolean";
    case DuckDBTypeId.TINYINT:
    case DuckDBTypeId.SMALLINT:
    case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.UTINYINT:
    case DuckDBTypeId.USMALLINT:
    case DuckDBTypeId.UINTEGER:
    case DuckDBTypeId.UBIGINT:
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UHUGEINT:
    case DuckDBTypeId.BIGNUM:
    case DuckDBTypeId.FLOAT:
    case DuckDBTypeId.DOUBLE:
    case DuckDBTypeId.DECIMAL:
      return "number";
    case DuckDBTypeId.DATE:
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_S:
    case DuckDBTypeId.TIMESTAMP_MS:
    case DuckDBTypeId.TIMESTAMP_NS:
    case DuckDBTypeId.TIMESTAMP_TZ:
      return "date";
    case DuckDBTypeId.BLOB:
    case DuckDBTypeId.GEOMETRY:
      return "binary";
    case DuckDBTypeId.LIST:
    case DuckDBTypeId.ARRAY:
    case DuckDBTypeId.STRUCT:
    case DuckDBTypeId.MAP:
    case DuckDBTypeId.UNION:
    case DuckDBTypeId.VARIANT:
      return "json";
    case DuckDBTypeId.SQLNULL:
      return "unknown";
    default:
      // VARCHAR, ENUM, UUID, TIME, INTERVAL, BIT: text.
      return "string";
  }
}

const base64 = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");

/** One DuckDB value as a row value (recursing into lists, structs and maps). */
export const toRowValue: DuckDBValueConverter<unknown> = (value, type, converter) => {
  if (value === null) return null;
  switch (type.typeId) {
    case DuckDBTypeId.BOOLEAN:
      return value;
    case DuckDBTypeId.TINYINT:
    case DuckDBTypeId.SMALLINT:
    case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.UTINYINT:
    case DuckDBTypeId.USMALLINT:
    case DuckDBTypeId.UINTEGER:
    case DuckDBTypeId.FLOAT:
    case DuckDBTypeId.DOUBLE:
      return typeof value === "number" && !Number.isFinite(value) ? String(value) : value;
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.UBIGINT:
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UHUGEINT:
    case DuckDBTypeId.BIGNUM:
      return typeof value === "bigint" ? safeBigint(value) : String(value);
    case DuckDBTypeId.DECIMAL:
      return decimalText(String(value));
    case DuckDBTypeId.TIMESTAMP_TZ: {
      const micros = (value as DuckDBTimestampTZValue).micros;
      const date = new Date(Number(micros / 1000n));
      return typeof micros === "bigint" && !Number.isNaN(date.getTime()) ? date.toISOString() : String(value);
    }
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_S:
    case DuckDBTypeId.TIMESTAMP_MS:
    case DuckDBTypeId.TIMESTAMP_NS:
      return localTimestampText(String(value));
    case DuckDBTypeId.BLOB:
    case DuckDBTypeId.GEOMETRY:
      return base64((value as { bytes: Uint8Array }).bytes);
    case DuckDBTypeId.LIST:
      return arrayFromListValue(value, type, converter);
    case DuckDBTypeId.ARRAY:
      return arrayFromArrayValue(value, type, converter);
    case DuckDBTypeId.STRUCT:
      return objectFromStructValue(value, type, converter);
    case DuckDBTypeId.MAP:
      return objectArrayFromMapValue(value, type, converter);
    case DuckDBTypeId.UNION:
      return objectFromUnionValue(value, type, converter);
    case DuckDBTypeId.VARIANT:
      return fromVariantValue(value, type, converter);
    default:
      return String(value);
  }
};

/** A result's names made unique (`id`, `id_2`), as the connectors do. */
export function columnsOf(names: string[], types: DuckDBType[]): Column[] {
  const used = new Set<string>();
  return names.map((raw, i) => {
    let name = raw;
    for (let n = 2; used.has(name); n++) name = `${raw}_${n}`;
    used.add(name);
    return { name, kind: kindOf(types[i]!) };
  });
}

const parseJson = (value: unknown) => {
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
};

/**
 * Rows from a chunk's converted values. A JSON column's vectors do not carry the alias
 * the result's column type has, so its text is parsed here, by column.
 */
export function rowsOf(columns: Column[], types: DuckDBType[], rows: unknown[][]): Row[] {
  const json = types.map((t) => t.alias === "JSON");
  return rows.map((values) => {
    const row: Row = {};
    for (let i = 0; i < columns.length; i++) row[columns[i]!.name] = json[i] ? parseJson(values[i] ?? null) : (values[i] ?? null);
    return row;
  });
}

export const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;
export const quoteText = (text: string) => `'${text.replaceAll("'", "''")}'`;

type StagedType = "BIGINT" | "DOUBLE" | "BOOLEAN" | "DATE" | "TIMESTAMPTZ" | "JSON" | "BLOB" | "VARCHAR";

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const NO_OFFSET = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;
const INTEGER_TEXT = /^[-+]?\d+$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const blank = (v: unknown) => v === null || v === undefined || (typeof v === "string" && v.trim() === "");

function asInt64(v: unknown): bigint | null {
  let n: bigint | null = null;
  if (typeof v === "bigint") n = v;
  else if (typeof v === "number" && Number.isSafeInteger(v)) n = BigInt(v);
  else if (typeof v === "string" && INTEGER_TEXT.test(v.trim())) n = BigInt(v.trim());
  return n !== null && n >= INT64_MIN && n <= INT64_MAX ? n : null;
}

function asDouble(v: unknown): number | null {
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return Number(v);
  if (typeof v === "string") {
    const n = Number(v.trim());
    return Number.isNaN(n) && v.trim() !== "NaN" ? null : n;
  }
  return null;
}

function asBoolean(v: unknown): boolean | null {
  if (typeof v === "boolean") return v;
  if (v === 1 || v === 0) return v === 1;
  const s = String(v).trim().toLowerCase();
  if (["true", "t", "1", "yes", "y"].includes(s)) return true;
  if (["false", "f", "0", "no", "n"].includes(s)) return false;
  return null;
}

/** A date value as ISO text: timezone-less text is taken as UTC, so runs do not depend on the server's zone. */
function asTimestamp(v: unknown): string | null {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString();
  if (typeof v !== "string" && typeof v !== "number") return null;
  const text = typeof v === "string" ? v.trim() : v;
  const d = new Date(typeof text === "string" && (DATE_ONLY.test(text) || NO_OFFSET.test(text)) ? `${text.replace(" ", "T")}${DATE_ONLY.test(text) ? "T00:00:00" : ""}Z` : text);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

const isDateOnly = (v: unknown) => typeof v === "string" && DATE_ONLY.test(v.trim()) && asTimestamp(v) !== null;

/** The narrowest type a column's kind and first values allow. */
function initialType(kind: ColumnKind, sample: unknown[]): StagedType {
  const present = sample.filter((v) => !blank(v));
  switch (kind) {
    case "number":
      return present.length > 0 && present.every((v) => asInt64(v) !== null) ? "BIGINT" : "DOUBLE";
    case "boolean":
      return "BOOLEAN";
    case "date":
      return present.length > 0 && present.every(isDateOnly) ? "DATE" : "TIMESTAMPTZ";
    case "json":
      return "JSON";
    case "binary":
      return "BLOB";
    default:
      return "VARCHAR";
  }
}

/** The type `value` needs in a column staged as `type`: the same, a wider one, or null when it cannot be held. */
function typeFor(type: StagedType, value: unknown): StagedType | null {
  if (blank(value)) return type;
  switch (type) {
    case "BIGINT":
      return asInt64(value) !== null ? "BIGINT" : asDouble(value) !== null ? "DOUBLE" : null;
    case "DOUBLE":
      return asDouble(value) !== null ? "DOUBLE" : null;
    case "BOOLEAN":
      return asBoolean(value) !== null ? "BOOLEAN" : null;
    case "DATE":
      return isDateOnly(value) ? "DATE" : asTimestamp(value) !== null ? "TIMESTAMPTZ" : null;
    case "TIMESTAMPTZ":
      return asTimestamp(value) !== null ? "TIMESTAMPTZ" : null;
    default:
      return type;
  }
}

function append(appender: DuckDBAppender, type: StagedType, value: unknown): void {
  if (blank(value) && type !== "VARCHAR" && type !== "JSON") return appender.appendNull();
  if (value === null || value === undefined) return appender.appendNull();
  switch (type) {
    case "BIGINT":
      return appender.appendBigInt(asInt64(value)!);
    case "DOUBLE":
      return appender.appendDouble(asDouble(value)!);
    case "BOOLEAN":
      return appender.appendBoolean(asBoolean(value)!);
    case "DATE":
      return appender.appendVarchar(String(value).trim());
    case "TIMESTAMPTZ":
      return appender.appendVarchar(asTimestamp(value)!);
    case "JSON":
      return appender.appendVarchar(JSON.stringify(value));
    case "BLOB":
      return appender.appendBlob(value instanceof Uint8Array ? value : typeof value === "string" ? Buffer.from(value, "base64") : Buffer.from(String(value)));
    default:
      return appender.appendVarchar(typeof value === "string" ? value : value instanceof Date ? value.toISOString() : typeof value === "object" ? JSON.stringify(value) : String(value));
  }
}

const KIND_NAMES: Partial<Record<StagedType, string>> = { BIGINT: "numbers", DOUBLE: "numbers", BOOLEAN: "booleans", DATE: "dates", TIMESTAMPTZ: "dates" };

/**
 * A table in a DuckDB database filled from a batch stream through an appender. It is
 * created at the first batch that has rows (or at `finish` for an input with none), so
 * the column types can look at real values.
 */
export class StagingTable {
  private columns: Column[] | null = null;
  private types: StagedType[] = [];
  private appender: DuckDBAppender | null = null;
  /** The columns of the batches seen so far, none of which had rows. */
  private pending: Column[] = [];
  rows = 0;

  constructor(private readonly connection: DuckDBConnection, readonly table: string, private readonly label: string) {}

  async add(batch: Batch): Promise<void> {
    if (!this.columns) {
      if (batch.rows.length === 0) {
        this.pending = batch.columns;
        return;
      }
      await this.create(batch.columns, batch.rows);
    }
    if (batch.rows.length === 0) return;
    await this.widen(batch.rows);
    const columns = this.columns!;
    const appender = this.appender!;
    for (const row of batch.rows) {
      for (let i = 0; i < columns.length; i++) append(appender, this.types[i]!, row[columns[i]!.name]);
      appender.endRow();
    }
    this.rows += batch.rows.length;
    appender.flushSync();
  }

  /** Creates the table even for an input that had no rows; closes the appender. */
  async finish(): Promise<Column[]> {
    if (!this.columns) await this.create(this.pending, []);
    this.close();
    return this.columns!;
  }

  close(): void {
    const appender = this.appender;
    this.appender = null;
    appender?.closeSync();
  }

  private async create(columns: Column[], sample: Row[]): Promise<void> {
    if (columns.length === 0) throw new AppError("VALIDATION_ERROR", `${this.label} has no columns`);
    this.columns = columns;
    this.types = columns.map((c) => initialType(c.kind, sample.slice(0, 200).map((r) => r[c.name])));
    await this.connection.run(`CREATE TABLE ${quoteIdent(this.table)} (${columns.map((c, i) => `${quoteIdent(c.name)} ${this.types[i]}`).join(", ")})`);
    this.appender = await this.connection.createAppender(this.table);
  }

  private async widen(rows: Row[]): Promise<void> {
    const columns = this.columns!;
    const changes: [number, StagedType][] = [];
    for (let i = 0; i < columns.length; i++) {
      let type = this.types[i]!;
      for (const row of rows) {
        const value = row[columns[i]!.name];
        const next = typeFor(type, value);
        if (next === null) {
          const shown = typeof value === "string" ? value.slice(0, 60) : JSON.stringify(value)?.slice(0, 60);
          throw new AppError("VALIDATION_ERROR", `Column ${columns[i]!.name} of ${this.label} holds ${KIND_NAMES[type] ?? type}, but a row has ${shown}`);
        }
        type = next;
      }
      if (type !== this.types[i]) changes.push([i, type]);
    }
    if (!changes.length) return;
    this.close();
    for (const [i, type] of changes) {
      await this.connection.run(`ALTER TABLE ${quoteIdent(this.table)} ALTER ${quoteIdent(columns[i]!.name)} TYPE ${type}`);
      this.types[i] = type;
    }
    this.appender = await this.connection.createAppender(this.table);
  }
}
