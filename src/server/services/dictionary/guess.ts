import "server-only";
import validator from "validator";
import { isValidPhoneNumber } from "libphonenumber-js";
import { kindOfType } from "../../ai/nl2sql/kinds";

/**
 * Auto-guessed metadata for one column, from its name, type and sampled values. Each
 * proposal carries a confidence (0–1) and the reason, so a person can judge it. Values
 * are recognised by well-kept validators (validator, libphonenumber-js), not ad-hoc
 * regexes; a card number needs both a Luhn-valid value and a name that says "card".
 */
export type Tag = "PK" | "FK" | "PII" | "measure" | "dimension" | "time" | "id";
export const TAGS: readonly Tag[] = ["PK", "FK", "PII", "measure", "dimension", "time", "id"];

export interface Proposal {
  field: "alias" | "description" | "tags";
  value: string | string[];
  confidence: number;
  reason: string;
}

export interface ColumnFacts {
  table: string;
  name: string;
  type: string;
  primaryKey: boolean;
  foreignKey?: { table: string; column: string };
  /** Non-null sampled values, as text. */
  samples: string[];
  /** Distinct values counted in the sample. */
  distinct?: number;
}

export { kindOfType };

const words = (name: string) => name.replace(/([a-z])([A-Z])/g, "$1_$2").toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);

/** "total_amount" → "Total amount", "customerId" → "Customer id". */
export function humanise(name: string): string {
  const text = words(name).join(" ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

const share = (samples: string[], test: (v: string) => boolean) =>
  samples.length === 0 ? 0 : samples.filter(test).length / samples.length;

const isPhone = (v: string) => {
  if (!/^[+()\d][\d\s().-]{6,}$/.test(v)) return false;
  try {
    return v.startsWith("+") ? isValidPhoneNumber(v) : isValidPhoneNumber(v, "US") || isValidPhoneNumber(v, "GB") || isValidPhoneNumber(v, "ID") || isValidPhoneNumber(v, "DE");
  } catch {
    return false;
  }
};

const PERSON_NAME = /^(first|last|given|family|middle|full|sur)?_?name$|^(firstname|lastname|surname|fullname)$/;
const PERSON_TABLE = /customer|user|employee|person|people|patient|member|contact|staff|student|client|doctor|author|borrower|driver|account/;
const ADDRESS = /(^|_)(street|address|addr|address_line\d?|postcode|zip|zipcode|postal_code)($|_)/;
const CARD_CONTEXT = /(card|cc|pan|credit)/;
const MEASURE = /(amount|total|price|cost|revenue|sales|salary|fee|qty|quantity|count|weight|balance|score|stock|duration|distance|rate|value|discount|tax|profit|margin)/;

/** Proposals for one column; empty when nothing could be said with any confidence. */
export function guessColumn(col: ColumnFacts): Proposal[] {
  const out: Proposal[] = [];
  const n = col.name.toLowerCase();
  const tags = new Map<Tag, { confidence: number; reason: string }>();
  const tag = (t: Tag, confidence: number, reason: string) => {
    const prev = tags.get(t);
    if (!prev || prev.confidence < confidence) tags.set(t, { confidence, reason });
  };
  const kind = kindOfType(col.type);
  const samples = col.samples.filter((v) => v !== "" && v !== "***");

  if (col.primaryKey) tag("PK", 1, "primary key in the schema");
  if (col.foreignKey) tag("FK", 1, `references ${col.foreignKey.table}.${col.foreignKey.column}`);
  if (col.primaryKey || col.foreignKey || /(^id$|_id$|^id_|uuid|guid)/.test(n)) tag("id", col.primaryKey || col.foreignKey ? 0.95 : 0.7, "identifier by name or key");

  if (kind === "date" || /(_at|_on|date|time|timestamp)$/.test(n) || share(samples, (v) => validator.isISO8601(v)) > 0.9) {
    tag("time", kind === "date" ? 0.95 : 0.8, kind === "date" ? `type ${col.type}` : "values are ISO dates");
  }

  const emails = share(samples, (v) => validator.isEmail(v));
  if (emails > 0.8 || /(^|_)e?mail/.test(n)) tag("PII", emails > 0.8 ? 0.95 : 0.75, emails > 0.8 ? "sampled values are e-mail addresses" : "name says e-mail");
  const phones = share(samples, isPhone);
  if (phones > 0.8 || /(phone|mobile|cell|fax)/.test(n)) tag("PII", phones > 0.8 ? 0.9 : 0.7, phones > 0.8 ? "sampled values are phone numbers" : "name says phone");
  const cards = share(samples, (v) => validator.isCreditCard(v.replace(/[\s-]/g, "")));
  if (cards > 0.8 && CARD_CONTEXT.test(n)) tag("PII", 0.95, "Luhn-valid card numbers in a card column");
  else if (cards > 0.8 && kind === "text") tag("PII", 0.6, "Luhn-valid card-like numbers");
  const ibans = share(samples, (v) => validator.isIBAN(v.replace(/\s/g, "")));
  if (ibans > 0.8 || /iban/.test(n)) tag("PII", ibans > 0.8 ? 0.95 : 0.7, "IBAN values");
  if (PERSON_NAME.test(n) && PERSON_TABLE.test(col.table.toLowerCase())) tag("PII", 0.85, "a person's name");
  if (ADDRESS.test(n)) tag("PII", 0.8, "a postal address");
  if (/(ssn|passport|national_id|tax_id|birth|dob|password|secret|token|ip_address)/.test(n)) tag("PII", 0.9, "a personal identifier by name");

  const isId = tags.has("id");
  if (kind === "number" && !isId && !tags.has("time")) {
    tag("measure", MEASURE.test(n) ? 0.9 : 0.6, MEASURE.test(n) ? "a numeric amount" : "a numeric column");
  }
  const currency = share(samples, (v) => validator.isCurrency(v, { allow_negatives: true }) && /[.,]\d{2}$/.test(v));
  if (currency > 0.9 && kind !== "text") tag("measure", 0.85, "values look like money");
  if ((kind === "text" || kind === "boolean") && !tags.has("PII") && !isId) {
    const few = col.distinct !== undefined && col.distinct <= 50 && samples.length > col.distinct;
    tag("dimension", few ? 0.85 : 0.5, few ? `${col.distinct} distinct values` : "a text attribute");
  }

  out.push({ field: "alias", value: humanise(col.name), confidence: 0.6, reason: "from the column name" });
  const described = describe(col, [...tags.keys()]);
  if (described) out.push({ field: "description", value: described, confidence: 0.5, reason: "from the name, type and tags" });
  if (tags.size) {
    const confidence = Math.min(...[...tags.values()].map((t) => t.confidence));
    out.push({ field: "tags", value: [...tags.keys()], confidence, reason: [...tags.entries()].map(([t, v]) => `${t}: ${v.reason}`).join("; ") });
  }
  return out;
}

function describe(col: ColumnFacts, tags: Tag[]): string {
  const what = humanise(col.name).toLowerCase();
  if (col.primaryKey) return `Unique identifier of the ${words(col.table).join(" ")} row`;
  if (col.foreignKey) return `Reference to ${col.foreignKey.table}`;
  if (tags.includes("time")) return `When: ${what}`;
  if (tags.includes("PII")) return `Personal data: ${what}`;
  if (tags.includes("measure")) return `Numeric measure: ${what}`;
  return "";
}

/** A table's alias from its name ("order_items" → "Order items"). */
export function guessTable(name: string): Proposal[] {
  return [{ field: "alias", value: humanise(name), confidence: 0.6, reason: "from the table name" }];
}
