/** Tokens, lemmas and fuzzy matching for the NL→SQL engine (language-neutral parts). */
export interface Token {
  /** As typed (values keep their case). */
  raw: string;
  /** Lower-cased. */
  norm: string;
  lemma: string;
  kind: "word" | "number" | "quoted" | "isodate";
  num?: number;
}

const TOKEN = /'([^']*)'|"([^"]*)"|(\d{4}-\d{2}-\d{2})|([$€£]?-?\d+(?:[.,]\d+)*(?:k|%)?)|([\p{L}\p{N}]+(?:[-'][\p{L}\p{N}]+)*)|(>=|<=|!=|<>|[<>=])/gu;

export function tokenize(text: string): Token[] {
  const out: Token[] = [];
  for (const m of text.matchAll(TOKEN)) {
    if (m[1] !== undefined || m[2] !== undefined) {
      const raw = m[1] ?? m[2]!;
      out.push({ raw, norm: raw.toLowerCase(), lemma: raw.toLowerCase(), kind: "quoted" });
    } else if (m[3]) {
      out.push({ raw: m[3], norm: m[3], lemma: m[3], kind: "isodate" });
    } else if (m[4]) {
      let s = m[4].replace(/^[$€£]/, "");
      const k = /k$/i.test(s);
      s = s.replace(/[k%]$/i, "");
      // "1,000" is a thousands separator; "12,5" a decimal comma.
      s = /,\d{3}(\D|$)/.test(s) ? s.replace(/,/g, "") : s.replace(",", ".");
      const num = Number(s) * (k ? 1000 : 1);
      out.push({ raw: m[4], norm: m[4].toLowerCase(), lemma: String(num), kind: "number", num });
    } else if (m[5]) {
      const norm = m[5].toLowerCase();
      out.push({ raw: m[5], norm, lemma: lemma(norm), kind: "word" });
    } else if (m[6]) {
      out.push({ raw: m[6], norm: m[6], lemma: m[6], kind: "word" });
    }
  }
  return out;
}

/** A light English-leaning stemmer: plural to singular, enough for schema names. */
export function lemma(word: string): string {
  const w = word.toLowerCase();
  // Indonesian plurals repeat the word: "produk-produk".
  const dup = /^([\p{L}]+)-\1$/u.exec(w);
  if (dup) return dup[1]!;
  if (w.length <= 3) return w;
  if (/ies$/.test(w) && w.length > 4) return w.slice(0, -3) + "y";
  if (/(sses|xes|ches|shes|zes)$/.test(w)) return w.slice(0, -2);
  if (/(ss|us|is|ics)$/.test(w)) return w;
  if (/s$/.test(w)) return w.slice(0, -1);
  return w;
}

/** Other forms a word may take in a schema: "hired" → "hire", "shipping" → "ship". */
export function variants(word: string): string[] {
  const w = word.toLowerCase();
  const out: string[] = [];
  if (w.length > 4 && w.endsWith("ed")) out.push(w.slice(0, -2), w.slice(0, -1));
  if (w.length > 5 && w.endsWith("ing")) out.push(w.slice(0, -3), w.slice(0, -3) + "e");
  if (w.length > 4 && w.endsWith("er")) out.push(w.slice(0, -2), w.slice(0, -1));
  if (w.length > 5 && w.endsWith("ly")) out.push(w.slice(0, -2));
  return out;
}

/** Words of an identifier or label: "totalAmount" / "total_amount" → ["total", "amount"]. */
export function identifierWords(name: string): string[] {
  return name
    .replace(/([a-z])([A-Z])/g, "$1 $2")
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

/** Damerau–Levenshtein distance, stopping early past `max`. */
export function editDistance(a: string, b: string, max = 2): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    let rowMin = Infinity;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
      rowMin = Math.min(rowMin, v);
    }
    if (rowMin > max) return max + 1;
  }
  return d[a.length]![b.length]!;
}
