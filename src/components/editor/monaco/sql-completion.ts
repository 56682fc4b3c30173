import type { Monaco } from "./monaco-setup";
import type { editor, languages, Position } from "monaco-editor";
import { aliasHints, type CompletionAlias } from "./sql-aliases";
import { qualifierBefore, tableMentions } from "./sql-context";
import { quoteIdent } from "./sql-identifiers";
import { SQL_FUNCTIONS, SQL_KEYWORDS } from "./sql-keywords";
import type { Engine, SchemaTable } from "../types";

export interface CompletionSource {
  tables: () => readonly SchemaTable[];
  engine: () => Engine | undefined;
  /** The data dictionary's aliases and synonyms of the active data source. */
  aliases?: () => readonly CompletionAlias[];
}

const MAX_OTHER_COLUMNS = 1500;

function columnDoc(table: SchemaTable, column: SchemaTable["columns"][number]): string {
  const fk = table.foreignKeys.find((f) => f.columns.includes(column.name));
  const notes = [
    column.primaryKey ? "primary key" : null,
    fk ? `references ${fk.referencedTable}` : null,
    column.nullable ? "nullable" : "not null",
  ].filter(Boolean);
  return `${table.name}.${column.name} — ${column.type || "?"} (${notes.join(", ")})`;
}

function suggestions(monaco: Monaco, model: editor.ITextModel, position: Position, source: CompletionSource) {
  const word = model.getWordUntilPosition(position);
  const range = {
    startLineNumber: position.lineNumber,
    endLineNumber: position.lineNumber,
    startColumn: word.startColumn,
    endColumn: word.endColumn,
  };
  const { Kind } = { Kind: monaco.languages.CompletionItemKind };
  const tables = source.tables();
  const engine = source.engine();
  const byName = new Map(tables.map((t) => [t.name.toLowerCase(), t]));
  const linePrefix = model.getValueInRange({ ...range, startColumn: 1, endColumn: position.column });
  const mentions = tableMentions(model.getValue());
  const column = (table: SchemaTable, c: SchemaTable["columns"][number], sortText: string): languages.CompletionItem => ({
    label: { label: c.name, detail: `  ${c.type}`, description: table.name },
    kind: Kind.Field,
    insertText: quoteIdent(c.name, engine),
    detail: columnDoc(table, c),
    sortText,
    range,
  });

  // After `alias.` or `table.`, only that table's columns make sense.
  const qualifier = qualifierBefore(linePrefix);
  if (qualifier) {
    const target = byName.get(mentions.find((m) => m.alias === qualifier)?.table ?? qualifier);
    return target ? target.columns.map((c, i) => column(target, c, `0${String(i).padStart(4, "0")}`)) : [];
  }

  const mentioned = new Set(mentions.map((m) => m.table).filter((t) => byName.has(t)));
  const items: languages.CompletionItem[] = [];
  for (const name of mentioned) {
    const table = byName.get(name)!;
    for (const c of table.columns) items.push(column(table, c, `0${c.name}`));
  }
  for (const table of tables) {
    items.push({
      label: { label: table.name, description: table.type === "view" ? "view" : "table" },
      kind: table.type === "view" ? Kind.Interface : Kind.Struct,
      insertText: quoteIdent(table.name, engine),
      detail: `${table.type} · ${table.columns.length} columns${table.approxRowCount !== null ? ` · ~${table.approxRowCount} rows` : ""}`,
      sortText: `1${table.name}`,
      range,
    });
  }
  // A business word from the dictionary suggests the real name; sorted just after the tables.
  for (const hint of aliasHints(source.aliases?.() ?? [], tables, engine)) {
    items.push({
      label: { label: hint.label, detail: `  → ${hint.target}`, description: "dictionary" },
      kind: hint.isColumn ? Kind.Field : Kind.Struct,
      filterText: hint.filterText,
      insertText: hint.insertText,
      detail: hint.detail,
      sortText: `1~${hint.label}`,
      range,
    });
  }
  for (const keyword of SQL_KEYWORDS) {
    items.push({ label: keyword, kind: Kind.Keyword, insertText: `${keyword} `, sortText: `2${keyword}`, range });
  }
  for (const fn of SQL_FUNCTIONS) {
    items.push({
      label: fn,
      kind: Kind.Function,
      insertText: `${fn}($0)`,
      insertTextRules: monaco.languages.CompletionItemInsertTextRule.InsertAsSnippet,
      sortText: `3${fn}`,
      range,
    });
  }
  let others = 0;
  for (const table of tables) {
    if (mentioned.has(table.name.toLowerCase())) continue;
    for (const c of table.columns) {
      if (others++ >= MAX_OTHER_COLUMNS) break;
      items.push(column(table, c, `4${c.name}`));
    }
  }
  return items;
}

/**
 * One provider for the page's SQL editor; it reads the schema through `source` at
 * completion time, so switching data sources needs no re-registration.
 */
export function registerSqlCompletion(monaco: Monaco, source: CompletionSource) {
  return monaco.languages.registerCompletionItemProvider("sql", {
    triggerCharacters: ["."],
    provideCompletionItems: (model, position) => ({ suggestions: suggestions(monaco, model, position, source) }),
  });
}
