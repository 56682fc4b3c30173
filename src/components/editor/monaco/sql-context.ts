/**
 * Reads just enough of the SQL being typed to rank completions: which tables it
 * mentions (with their aliases) and whether the cursor follows `alias.`.
 */
const IDENT = String.raw`(?:[A-Za-z_][\w$]*|"[^"]+"|\x60[^\x60]+\x60)`;
const TABLE_REF = new RegExp(
  String.raw`\b(?:from|join|update|into)\s+(${IDENT}(?:\.${IDENT})?)(?:\s+(?:as\s+)?(${IDENT}))?`,
  "gi",
);
const COMMA_REF = new RegExp(String.raw`,\s*(${IDENT}(?:\.${IDENT})?)(?:\s+(?:as\s+)?(${IDENT}))?`, "gi");

const NOT_ALIASES = new Set(
  "where join inner left right full outer cross on using group order having limit offset union except intersect set values natural window select as lateral returning".split(
    " ",
  ),
);

export function unquote(ident: string): string {
  const first = ident[0];
  if ((first === '"' || first === "`") && ident.endsWith(first)) return ident.slice(1, -1);
  return ident;
}

/** Strips comments and string literals so their contents are not read as SQL. */
export function stripLiterals(sql: string): string {
  return sql.replace(/--[^\n]*|\/\*[\s\S]*?\*\/|'(?:[^']|'')*'/g, (m) => " ".repeat(m.length));
}

export interface TableMention {
  /** The table's name as written, without schema or quotes, lower-cased. */
  table: string;
  alias?: string;
}

function lastPart(qualified: string): string {
  const parts = qualified.split(".");
  return unquote(parts[parts.length - 1]!).toLowerCase();
}

export function tableMentions(sql: string): TableMention[] {
  const text = stripLiterals(sql);
  const found: TableMention[] = [];
  const add = (name: string, alias: string | undefined) => {
    const a = alias ? unquote(alias) : undefined;
    found.push({ table: lastPart(name), alias: a && !NOT_ALIASES.has(a.toLowerCase()) ? a.toLowerCase() : undefined });
  };
  for (const m of text.matchAll(TABLE_REF)) {
    add(m[1]!, m[2]);
    // `FROM a x, b y`: the comma-separated list after a FROM.
    const rest = text.slice((m.index ?? 0) + m[0].length);
    const list = /^(?:\s*,\s*[^,;()]+?)+?(?=\s+(?:where|join|inner|left|right|full|cross|group|order|limit|having|on)\b|[;()]|$)/i.exec(rest);
    if (list) for (const c of list[0].matchAll(COMMA_REF)) add(c[1]!, c[2]);
  }
  return found;
}

/** The identifier before a `.` that ends the text (`c.na|` gives `c`), lower-cased. */
export function qualifierBefore(linePrefix: string): string | null {
  const m = new RegExp(String.raw`(${IDENT})\.[\w$]*$`).exec(linePrefix);
  return m ? unquote(m[1]!).toLowerCase() : null;
}
