import { interpret } from "./interpret";
import { pickLexicon } from "./lexicon";
import { render } from "./render";
import { scan } from "./spans";
import type { NlAnswer, NlSchema } from "./types";

export type { NlAnswer, NlSchema, NlTable, NlColumn, Mapping, Dialect } from "./types";
export { quoteIdent } from "./render";

export interface TranslateOptions {
  /** "en", "id"; picked from the question's words when absent. */
  language?: string;
  /** The date "last month" and "this year" are relative to. */
  now?: Date;
}

const MAX_QUESTION = 2000;

/**
 * The built-in engine: a question in, SQL (or what it could not understand) out. No
 * model, no network; grounded only in the schema and the dictionary it is given.
 */
export function translate(question: string, schema: NlSchema, options: TranslateOptions = {}): NlAnswer {
  const lex = pickLexicon(question, options.language);
  const text = question.slice(0, MAX_QUESTION).trim();
  if (!text) return { ok: false, language: lex.language, message: "Ask a question about the data", unmapped: [], mappings: [], tables: [] };
  const scanned = scan(text, schema, lex, options.now ?? new Date());
  const result = interpret(scanned, schema, lex);
  const tableName = (t: { schema?: string; name: string }) => (t.schema ? `${t.schema}.${t.name}` : t.name);
  if (!result.ok) return { ok: false, language: lex.language, message: result.message, unmapped: result.unmapped, mappings: result.mappings, tables: result.tables.map(tableName) };
  let sql: string;
  try {
    sql = render(result.query, schema);
  } catch (error) {
    return { ok: false, language: lex.language, message: `I could not join the tables this question needs (${(error as Error).message})`, unmapped: [], mappings: result.mappings, tables: [] };
  }
  const tables = new Set<string>([tableName(result.query.from)]);
  for (const m of result.mappings) if (m.kind === "table" || m.kind === "column") tables.add(m.target.split(".").slice(0, m.kind === "column" ? -1 : undefined).join("."));
  return { ok: true, sql, language: lex.language, mappings: result.mappings, tables: [...tables], ignored: result.ignored, write: result.query.kind === "delete" };
}
