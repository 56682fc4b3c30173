import en from "./lexicon/en.json";
import id from "./lexicon/id.json";
import { tokenize } from "./text";

/**
 * A language's words for the engine's grammar: aggregates, comparisons, grouping,
 * ranking, dates, numbers, write verbs, and a glossary that maps its nouns onto the
 * English words schemas are usually named in. One JSON file per language; add a
 * language by adding a file and listing it here.
 */
export interface Lexicon {
  language: string;
  markers: string[];
  stopwords: string[];
  aggregates: Record<"count" | "sum" | "avg" | "max" | "min", string[]>;
  distinct: string[];
  groupBy: string[];
  rankDesc: string[];
  rankAsc: string[];
  timeRank: string[];
  comparisons: Record<"gte" | "lte" | "gt" | "lt" | "eq" | "between", string[]>;
  negation: string[];
  conjunction: string[];
  order: { asc: string[]; desc: string[]; by: string[] };
  dates: {
    in: string[];
    since: string[];
    /** "after 2020": from the end of the period on */
    after?: string[];
    before: string[];
    last: string[];
    this: string[];
    today: string[];
    yesterday: string[];
    ago: string[];
    units: Record<"day" | "week" | "month" | "quarter" | "year", string[]>;
    months: Record<string, number>;
    quarterPrefix: string[];
  };
  /** Units follow their qualifier ("bulan lalu" = last month). */
  postfixUnits?: boolean;
  numbers: Record<string, number>;
  writes: Record<"delete" | "update" | "insert" | "drop", string[]>;
  measureWords: string[];
  nameWords: string[];
  /** Words that say which column a ranking or comparison is about ("heaviest" → weight). */
  measureHints?: Record<string, string>;
  glossary: Record<string, string>;
}

export const lexicons: Lexicon[] = [en as Lexicon, id as Lexicon];

/** The lexicon whose marker words the question uses most; English when none stands out. */
export function pickLexicon(question: string, language?: string): Lexicon {
  if (language) {
    const chosen = lexicons.find((l) => l.language === language);
    if (chosen) return chosen;
  }
  const words = tokenize(question).map((t) => t.norm);
  let best = lexicons[0]!;
  let bestScore = 0;
  for (const lex of lexicons) {
    // Words only this language's lexicon knows decide; words every lexicon shares do not.
    const others = lexicons.filter((l) => l !== lex).map(vocabulary);
    const own = vocabulary(lex);
    const score = words.filter((w) => own.has(w) && !others.some((o) => o.has(w))).length;
    if (score > bestScore) {
      best = lex;
      bestScore = score;
    }
  }
  return best;
}

const vocabularies = new WeakMap<Lexicon, Set<string>>();
function vocabulary(lex: Lexicon): Set<string> {
  let v = vocabularies.get(lex);
  if (v) return v;
  v = new Set<string>();
  const add = (x: unknown): void => {
    if (typeof x === "string") for (const w of x.split(" ")) v!.add(w);
    else if (Array.isArray(x)) x.forEach(add);
    else if (x && typeof x === "object") for (const [k, val] of Object.entries(x)) {
      if (typeof val === "number") add(k);
      else add(val);
    }
  };
  const { language: _language, glossary, ...rest } = lex;
  add(rest);
  add(Object.keys(glossary));
  vocabularies.set(lex, v);
  return v;
}
